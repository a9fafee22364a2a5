// The typed AST. Nodes are immutable and hash-consed: building the same expression twice returns the
// same object, so structural equality is `===`, `id` is a structural hash, and shared subexpressions
// form a DAG (what keeps deep-network gradients linear in size).
import { Dim, dimKey } from './dim.js';
import type { Idx, IndexVar } from './indices.js';
import { Shape, SCALAR, isScalarShape } from './shape.js';

/**
 * mask: entries in {0, 1} (a sampling pattern Ω; P_Ω(A) = Ω .* A); orthogonal: QᵀQ = I (orthonormal
 * columns; orthonormal rows, QQᵀ = I, for a wide matrix); unit: ‖x‖ = 1 (a point of the unit sphere);
 * stochastic: nonnegative entries whose columns sum to one (labels, probabilities): 𝟏ᵀY = 𝟏ᵀ. Data, not variables.
 * positive: every entry > 0.
 */
export type Property = 'symmetric' | 'spd' | 'invertible' | 'mask' | 'orthogonal' | 'unit' | 'stochastic' | 'positive';

export interface Attrs {
  /** sizes for eye/zeros/ones/unvec/commutation */
  readonly dims?: readonly Dim[];
  /** elementwise function name */
  readonly fn?: string;
  /** numeric parameter: exponent of pow/mpow/hpow, slope of lrelu */
  readonly k?: number;
  /** the bound index of prod/isum and its range: from..to (a product runs downwards when `down`) */
  readonly range?: IndexRange;
}

export interface IndexRange {
  readonly v: IndexVar;
  readonly from: Idx;
  readonly to: Idx;
  readonly down: boolean;
}

/** A member W_k of a family of matrices: the family's name and the indices. */
export interface Member {
  readonly family: string;
  readonly index: readonly Idx[];
}

interface NodeBase {
  readonly id: number;
  readonly key: string;
  readonly shape: Shape;
  /** the node contains a differential dX somewhere */
  readonly hasDelta: boolean;
  /** names of variables (not differentials) it depends on */
  readonly vars: ReadonlySet<string>;
}

export interface SymNode extends NodeBase {
  readonly kind: 'sym';
  readonly name: string;
  /** true for the differential dX of the variable X */
  readonly delta: boolean;
  readonly props: ReadonlySet<Property>;
  /** for W[k]: the family and the indices (the name is their text, "W[k+1]") */
  readonly member?: Member;
}

export interface NumNode extends NodeBase {
  readonly kind: 'num';
  readonly value: number;
}

export interface OpNode extends NodeBase {
  readonly kind: 'op';
  readonly op: string;
  readonly args: readonly Expr[];
  readonly attrs: Attrs;
}

export type Expr = SymNode | NumNode | OpNode;

// The table holds its nodes weakly: a node nobody uses any more can be collected, and the entries of
// collected nodes are swept out whenever the table has doubled, so a long-running process (the library,
// `matcalc serve`) does not grow with every expression it has seen. Hash-consing stays exact: while a
// node is alive it is the one the table returns for its key.
const table = new Map<string, WeakRef<Expr>>();
let sweepAt = 1 << 16;
let nextId = 1;
const NO_VARS: ReadonlySet<string> = new Set();

function lookup(key: string): Expr | undefined {
  return table.get(key)?.deref();
}

function intern<T extends Expr>(key: string, make: (id: number) => T): T {
  const found = lookup(key);
  if (found) return found as T;
  const node = make(nextId++);
  Object.freeze(node);
  table.set(key, new WeakRef(node));
  if (table.size >= sweepAt) {
    for (const [k, ref] of table) if (!ref.deref()) table.delete(k);
    sweepAt = Math.max(1 << 16, 2 * table.size);
  }
  return node;
}

/** Live entries of the interned-expression table (for the memory benchmark). */
export function internedCount(): number {
  return table.size;
}

/** The name a member W[k] adds to `vars` besides its own: the expression depends on some member of W. */
export const familyMarker = (family: string): string => `${family}[*]`;

export function sym(name: string, shape: Shape, props: Iterable<Property> = [], delta = false, member?: Member): SymNode {
  const p = [...new Set(props)].sort();
  // a member's key holds its indices with their ranges: W[k] for k ∈ 1..l is not W[k] for k ∈ 2..l
  const idx = member ? `:${member.index.map((i) => i.key).join(',')}` : '';
  const key = `s:${name}:${delta ? 'd' : ''}:${dimKey(shape.rows)}x${dimKey(shape.cols)}:${p.join(',')}${idx}`;
  return intern(key, (id) => ({
    kind: 'sym', id, key, name, delta, shape, props: new Set(p),
    // a member also marks its family (W[*]): a product over W[j] may contain W[k]
    hasDelta: delta, vars: delta ? NO_VARS : new Set(member ? [name, familyMarker(member.family)] : [name]),
    ...(member ? { member: Object.freeze({ family: member.family, index: Object.freeze([...member.index]) }) } : {}),
  }));
}

/** dX for a variable X. */
export function delta(x: SymNode): SymNode {
  return sym(x.name, x.shape, x.props, true, x.member);
}

export function num(value: number): NumNode {
  if (Object.is(value, -0)) value = 0;
  const key = `n:${value}`;
  return intern(key, (id) => ({ kind: 'num', id, key, value, shape: SCALAR, hasDelta: false, vars: NO_VARS }));
}

function attrsKey(a: Attrs): string {
  let s = '';
  if (a.dims) s += a.dims.map(dimKey).join(',');
  if (a.fn !== undefined) s += '|' + a.fn;
  if (a.k !== undefined) s += '|' + a.k;
  if (a.range) s += `|${a.range.v.key}=${a.range.from.key}${a.range.down ? '>' : '<'}${a.range.to.key}`;
  return s;
}

/** An operator's shape rule: the result's shape, or a ShapeError on a mismatch. */
export type ShapeRule = (args: readonly Expr[], attrs: Attrs) => Shape;

// Filled by the operator modules (src/ops/registry.ts registers each one's rule): the AST knows no operator.
const shapeRules = new Map<string, ShapeRule>();

export function defineShapeRule(name: string, rule: ShapeRule): void {
  shapeRules.set(name, rule);
}

/** Build an operator node; the operator's module infers the shape and throws on a mismatch. */
export function op(name: string, args: readonly Expr[], attrs: Attrs = {}): OpNode {
  const key = `o:${name}:${attrsKey(attrs)}(${args.map((a) => a.id).join(',')})`;
  const found = lookup(key);
  if (found) return found as OpNode;
  const rule = shapeRules.get(name);
  if (!rule) throw new Error(`unknown operator ${name} (is src/ops/index.ts imported?)`);
  const shape = rule(args, attrs);
  let vars: Set<string> | ReadonlySet<string> = NO_VARS;
  for (const a of args) {
    if (a.vars.size === 0) continue;
    if (vars === NO_VARS) vars = a.vars;
    else if (vars !== a.vars) {
      const merged: Set<string> = new Set(vars);
      for (const v of a.vars) merged.add(v);
      vars = merged;
    }
  }
  return intern(key, (id) => ({
    kind: 'op', id, key, op: name, args: Object.freeze([...args]), attrs: Object.freeze({ ...attrs }),
    shape, hasDelta: args.some((a) => a.hasDelta), vars,
  }));
}

export function isScalar(e: Expr): boolean {
  return isScalarShape(e.shape);
}

/** A symbol declared symmetric (or spd). */
export function isSymmetricSymbol(e: Expr): e is SymNode {
  return e.kind === 'sym' && (e.props.has('symmetric') || e.props.has('spd'));
}

export function isNum(e: Expr, v?: number): e is NumNode {
  return e.kind === 'num' && (v === undefined || e.value === v);
}

/** A node known to be a given operator (a branded type, so a failed test does not narrow away OpNode). */
export type OpOf = OpNode & { readonly __opChecked?: true };

export function isOp(e: Expr, name: string): e is OpOf {
  return e.kind === 'op' && e.op === name;
}

/** Rebuild a node with new arguments (same operator and attributes). */
export function withArgs(e: OpNode, args: readonly Expr[]): OpNode {
  if (args.every((a, i) => a === e.args[i])) return e;
  return op(e.op, args, e.attrs);
}

/** Bottom-up map over a DAG with memoisation by node. */
export function mapDag(root: Expr, f: (e: Expr, rebuilt: Expr) => Expr): Expr {
  const memo = new Map<Expr, Expr>();
  const go = (e: Expr): Expr => {
    const m = memo.get(e);
    if (m) return m;
    const rebuilt = e.kind === 'op' ? withArgs(e, e.args.map(go)) : e;
    const out = f(e, rebuilt);
    memo.set(e, out);
    return out;
  };
  return go(root);
}

/** Number of distinct nodes in the DAG (the size of a shared expression graph). */
export function dagSize(roots: readonly Expr[]): number {
  const seen = new Set<Expr>();
  const stack = [...roots];
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.kind === 'op') stack.push(...e.args);
  }
  return seen.size;
}

/** Replace every occurrence of `from` by `to`. */
export function substitute(root: Expr, map: ReadonlyMap<Expr, Expr>): Expr {
  return mapDag(root, (e, rebuilt) => map.get(e) ?? rebuilt);
}

export function contains(root: Expr, target: Expr): boolean {
  if (root === target) return true;
  return root.kind === 'op' && root.args.some((a) => contains(a, target));
}
