// Text → typed AST. mathjs does the parsing (the input language is mathjs syntax); this module resolves
// names against the declarations, builds our own nodes and turns every problem into an InputError with
// a column and a caret. mathjs nodes carry no positions, so spans are recovered by matching the leaves
// of its tree, in order, with the identifier and number tokens of the source.
import { mathParse } from './mathjs.js';
import type { MathNode } from 'mathjs';
import { Expr, num } from '../expr/ast.js';
import * as b from '../expr/build.js';
import { Dim, dimMul, dimNum, dimSym } from '../expr/dim.js';
import { InputError, ShapeError } from '../expr/errors.js';
import { isScalarShape, isSquare } from '../expr/shape.js';
import type { Declarations } from './decl.js';
import { FUNCTIONS, FUNCTION_NAMES, sigmaDerivative, type LangFunction } from './functions.js';
import { Span, caret, errorAt, positionOf } from './source.js';
import { familyMember } from './decl.js';
import { indexFromNode } from './indices.js';
import { Idx, IndexVar, indexVar, idxPlus, idxSub, inRange, isConstIdx, provablyLE, rangeText } from '../expr/indices.js';
import { prodOver, sumOver } from '../expr/families.js';
import { broadcastSum } from '../ops/add.js';

export interface Scope {
  readonly decls: Declarations;
  /** definitions such as e = W2*W1*X - Y, already parsed */
  readonly defs?: ReadonlyMap<string, Expr>;
}

type AnyNode = MathNode & Record<string, any>;

const LEAF_TOKEN = /[A-Za-z_][A-Za-z0-9_]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|'[^']*'|"[^"]*"/g;

function leafTokens(src: string): Span[] {
  const out: Span[] = [];
  let m: RegExpExecArray | null;
  LEAF_TOKEN.lastIndex = 0;
  while ((m = LEAF_TOKEN.exec(src))) {
    // a quote right after a name or ) is a transpose, not a string
    if (m[0][0] === "'" && m.index > 0 && /[A-Za-z0-9_)'\]]/.test(src[m.index - 1])) {
      LEAF_TOKEN.lastIndex = m.index + 1;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Spans of every mathjs node, or an empty map when leaves and tokens do not line up. */
function spans(root: AnyNode, src: string): Map<AnyNode, Span> {
  const toks = leafTokens(src);
  const out = new Map<AnyNode, Span>();
  let k = 0;
  let ok = true;
  const walk = (n: AnyNode): Span | undefined => {
    let s: Span | undefined;
    const join = (t?: Span) => {
      if (t) s = s ? { start: Math.min(s.start, t.start), end: Math.max(s.end, t.end) } : { ...t };
    };
    switch (n.type) {
      case 'SymbolNode':
      case 'ConstantNode':
        s = toks[k++];
        if (!s) ok = false;
        break;
      case 'FunctionNode':
        join(walk(n.fn));
        n.args.forEach((a: AnyNode) => join(walk(a)));
        if (s) s = { start: s.start, end: Math.min(src.length, closingParen(src, s.end)) };
        break;
      case 'ParenthesisNode':
        join(walk(n.content));
        break;
      case 'AssignmentNode':
        join(walk(n.object));
        join(walk(n.value));
        break;
      case 'AccessorNode':
        join(walk(n.object));
        n.index.dimensions.forEach((a: AnyNode) => join(walk(a)));
        if (s) s = { start: s.start, end: Math.min(src.length, closingBracket(src, s.end)) };
        break;
      case 'RangeNode':
        join(walk(n.start));
        join(walk(n.end));
        if (n.step) join(walk(n.step));
        break;
      default:
        (n.args ?? []).forEach((a: AnyNode) => join(walk(a)));
    }
    if (s) out.set(n, s);
    return s;
  };
  walk(root);
  return ok && k === toks.length ? out : new Map();
}

function closingParen(src: string, from: number): number {
  let depth = 0;
  for (let i = from; i < src.length; i++) {
    if (src[i] === '(') depth++;
    else if (src[i] === ')') {
      depth--;
      if (depth <= 0) return i + 1;
    }
  }
  return from;
}

function closingBracket(src: string, from: number): number {
  const i = src.indexOf(']', from);
  return i < 0 ? from : i + 1;
}

/** Ranges are written a..b; mathjs reads a:b. Same length, so columns stay where they were. */
function forMathjs(src: string): string {
  return src.replace(/\.\./g, ' :');
}

function mathjsParse(src: string, what: string): AnyNode {
  if (!src.trim()) throw new InputError(`empty ${what}: nothing to parse`);
  try {
    return mathParse(forMathjs(src)) as AnyNode;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const ch = (e as { char?: number }).char;
    const at = typeof ch === 'number' ? Math.max(0, Math.min(src.length, ch - 1)) : undefined;
    const clean = msg.replace(/\s*\(char \d+\)\s*$/, '');
    throw errorAt(`syntax error in ${what}`, src, at === undefined ? undefined : { start: at, end: at + 1 }, clean);
  }
}

export function parseExpression(src: string, scope: Scope, what = 'expression'): Expr {
  const root = mathjsParse(src, what);
  if (root.type === 'AssignmentNode')
    throw errorAt(what, src, undefined, 'an assignment is not an expression here (definitions go in --def "e = ...")');
  return new Translator(src, spans(root, forMathjs(src)), scope, what).expr(root);
}

/** "e = W2*W1*X - Y" → ["e", expression]. */
export function parseDefinition(src: string, scope: Scope): [string, Expr] {
  const root = mathjsParse(src, 'definition');
  if (root.type !== 'AssignmentNode' || root.object.type !== 'SymbolNode')
    throw errorAt('definition', src, undefined, 'expected "name = expression", e.g. "e = W2*W1*X - Y"');
  const name = root.object.name as string;
  if (scope.decls.symbols.has(name) || FUNCTION_NAMES.has(name))
    throw errorAt('definition', src, { start: src.indexOf(name), end: src.indexOf(name) + name.length }, `${name} is already ${scope.decls.symbols.has(name) ? 'declared' : 'a function'}`);
  return [name, new Translator(src, spans(root, forMathjs(src)), scope, 'definition').expr(root.value)];
}

class Translator {
  /** index variables bound by the enclosing prod(j = …)/sum(j = …) */
  private bound = new Map<string, IndexVar>();

  constructor(
    readonly src: string,
    readonly where: Map<AnyNode, Span>,
    readonly scope: Scope,
    readonly what: string,
  ) {}

  fail(n: AnyNode, message: string): InputError {
    return errorAt(this.what, this.src, this.where.get(n), message);
  }

  /** Shape errors from the operator modules get the position of the node that failed. */
  guard(n: AnyNode, build: () => Expr): Expr {
    try {
      return build();
    } catch (e) {
      if (e instanceof ShapeError && !e.detail) {
        const span = this.where.get(n);
        throw new ShapeError(`${this.what}${span ? ` at column ${span.start + 1}` : ''}: ${e.message}`, caret(this.src, span), positionOf(this.what, span));
      }
      throw e;
    }
  }

  expr(n: AnyNode): Expr {
    switch (n.type) {
      case 'ParenthesisNode':
        return this.expr(n.content);
      case 'ConstantNode':
        if (typeof n.value !== 'number') throw this.fail(n, `a ${typeof n.value} is not a value here`);
        return num(n.value);
      case 'SymbolNode':
        return this.symbol(n);
      case 'OperatorNode':
        return this.guard(n, () => this.operator(n));
      case 'FunctionNode':
        return this.guard(n, () => this.call(n));
      case 'AccessorNode':
        return this.member(n);
      case 'AssignmentNode':
        throw this.fail(n, 'an assignment is only allowed as the range of prod(j = a..b, …) or sum(j = a..b, …)');
      case 'RangeNode':
        throw this.fail(n, 'a range a..b is only allowed in prod(j = a..b, …) or sum(j = a..b, …)');
      default:
        throw this.fail(n, `${String(n.type).replace(/Node$/, '').toLowerCase()} syntax is not part of the matcalc language`);
    }
  }

  lookupIndex = (name: string): IndexVar | undefined => this.bound.get(name) ?? this.scope.decls.indices.get(name);

  index(n: AnyNode): Idx {
    return indexFromNode(n, this.lookupIndex, (m, msg) => this.fail(m, msg));
  }

  /** W[k]: a member of a declared family, its indices inside the family's ranges. */
  member(n: AnyNode): Expr {
    const obj = n.object as AnyNode;
    const name = obj.type === 'SymbolNode' ? (obj.name as string) : '';
    const fam = this.scope.decls.families.get(name);
    if (!fam) {
      if (this.scope.decls.symbols.has(name))
        throw this.fail(n, `${name} is a matrix, not a family; ${name}[k] needs a declaration such as "${name}[k = 1..l]: d x d" (entries of a matrix are not part of the language)`);
      throw this.fail(n, `${name || 'this'} is not a declared family of matrices; declare one such as "W[k = 1..l]: d x d"`);
    }
    const dims: AnyNode[] = n.index.dimensions;
    if (dims.length !== fam.slots.length)
      throw this.fail(n, `${name} has ${fam.slots.length} ${fam.slots.length === 1 ? 'index' : 'indices'} (${fam.slots.map((v) => v.lo.text + '..' + (v.hi?.text ?? '')).join(', ')}), got ${dims.length}`);
    const index = dims.map((d) => this.index(d));
    fam.slots.forEach((v, s) => {
      const inside = inRange(index[s], v.lo, v.hi!);
      const range = `${v.lo.text}..${v.hi!.text}`;
      if (inside === false) throw this.fail(n, `index out of range: ${name}[${index.map((i) => i.text).join(',')}], but the family is ${name}[${fam.slots.map((x) => x.lo.text + '..' + x.hi!.text).join(', ')}]`);
      if (inside === undefined) {
        const vars = index[s].terms.map(([x]) => rangeText(x)).join(', ');
        throw this.fail(n, `${name}[${index.map((i) => i.text).join(',')}] may be out of range: is ${index[s].text} within ${range}${vars ? ` for every ${vars}` : ''}? Narrow the index's range (e.g. "k in 1..l-1" for W[k+1])`);
      }
    });
    return familyMember(fam, index);
  }

  /** prod(j = a..b, B) and sum(j = a..b, B) over an index range. */
  rangeOp(n: AnyNode, name: 'prod' | 'sum'): Expr {
    const [head, bodyNode] = n.args as AnyNode[];
    const usage = `${name}(j = a..b, ${name === 'prod' ? 'factor' : 'term'}), e.g. ${name === 'prod' ? 'prod(j = l..k+1, W[j])' : 'sum(k = 1..l, norm(W[k])^2)'}`;
    if (n.args.length !== 2 || head.object?.type !== 'SymbolNode' || head.value?.type !== 'RangeNode' || head.value.step) throw this.fail(n, `expected ${usage}`);
    const j = head.object.name as string;
    if (this.lookupIndex(j)) throw this.fail(head.object, `${j} is already an index here; use another name for the variable of the ${name === 'prod' ? 'product' : 'sum'}`);
    if (this.scope.decls.symbols.has(j) || this.scope.decls.dims.has(j)) throw this.fail(head.object, `${j} is already a ${this.scope.decls.symbols.has(j) ? 'symbol' : 'dimension'}; use another name for the index`);
    const from = this.index(head.value.start), to = this.index(head.value.end);
    // which way: a product W_l⋯W_{k+1} runs down and may be empty (k = l); 1..l runs up
    const diff = idxSub(from, to);
    let down: boolean;
    if (isConstIdx(diff)) down = diff.c >= 0;
    else {
      const canDown = provablyLE(to, idxPlus(from, 1)), canUp = provablyLE(from, idxPlus(to, 1));
      if (canDown === canUp)
        throw this.fail(head.value, `cannot tell which way ${j} = ${from.text}..${to.text} runs (from ${from.text} down to ${to.text}, or up): the bounds are not ordered for every value of the indices; declare their ranges so that they are`);
      down = canDown;
    }
    const [lo, hi] = down ? [to, from] : [from, to];
    const v = indexVar(j, lo, hi, true);
    this.bound.set(j, v);
    try {
      const body = this.expr(bodyNode);
      // a sum has no order: l..1 is 1..l
      return name === 'prod' ? prodOver({ v, from, to, down }, body) : sumOver({ v, from: lo, to: hi, down: false }, body);
    } finally {
      this.bound.delete(j);
    }
  }

  symbol(n: AnyNode): Expr {
    const name = n.name as string;
    if (this.lookupIndex(name)) throw this.fail(n, `${name} is an index; it can only appear inside [ ] or in the bounds of a range`);
    const def = this.scope.defs?.get(name);
    if (def) return def;
    const s = this.scope.decls.symbols.get(name);
    if (s) return s;
    // a dimension used as a number: 1/n, tr(I_n) = n
    if (this.scope.decls.dims.has(name)) return b.dimval(dimSym(name));
    if (FUNCTION_NAMES.has(name)) throw this.fail(n, `${name} is a function; call it as ${name}(...)`);
    const known = [...this.scope.decls.symbols.keys(), ...(this.scope.defs?.keys() ?? [])];
    throw this.fail(n, `undeclared symbol ${name}; declared: ${known.join(', ') || 'nothing'}`);
  }

  /** A constant: a number or arithmetic on numbers, such as -1/2. */
  number(n: AnyNode, what: string): number {
    const value = (m: AnyNode): number | undefined => {
      if (m.type === 'ParenthesisNode') return value(m.content);
      if (m.type === 'ConstantNode') return typeof m.value === 'number' ? m.value : undefined;
      if (m.type !== 'OperatorNode') return undefined;
      const xs = m.args.map(value);
      if (xs.some((x: number | undefined) => x === undefined)) return undefined;
      const [a, b2] = xs as number[];
      switch (m.fn) {
        case 'unaryMinus': return -a;
        case 'unaryPlus': return a;
        case 'add': return a + b2;
        case 'subtract': return a - b2;
        case 'multiply': return a * b2;
        case 'divide': return a / b2;
        case 'pow': return Math.pow(a, b2);
        default: return undefined;
      }
    };
    const v = value(n);
    if (v === undefined || !Number.isFinite(v)) throw this.fail(n, `${what} must be a number`);
    return v;
  }

  dim(n: AnyNode): Dim {
    if (n.type === 'ParenthesisNode') return this.dim(n.content);
    if (n.type === 'OperatorNode' && n.fn === 'multiply') return dimMul(this.dim(n.args[0]), this.dim(n.args[1]));
    if (n.type === 'ConstantNode' && Number.isInteger(n.value) && n.value > 0) return dimNum(n.value);
    if (n.type === 'SymbolNode' && this.scope.decls.dims.has(n.name)) return dimSym(n.name);
    if (n.type === 'AccessorNode' && n.object.type === 'SymbolNode' && this.scope.decls.dimFamilies.has(n.object.name))
      return dimSym(`${n.object.name}[${n.index.dimensions.map((d: AnyNode) => this.index(d).text).join(',')}]`);
    throw this.fail(n, `expected a dimension (a symbol used in the declarations, such as ${[...this.scope.decls.dims][0] ?? 'n'}, or a positive integer)`);
  }

  operator(n: AnyNode): Expr {
    const args: AnyNode[] = n.args;
    switch (n.fn) {
      case 'add':
        return broadcastSum(this.expr(args[0]), this.expr(args[1]));
      case 'subtract':
        return broadcastSum(this.expr(args[0]), b.neg(this.expr(args[1])));
      case 'unaryMinus':
        return b.neg(this.expr(args[0]));
      case 'unaryPlus':
        return this.expr(args[0]);
      case 'multiply':
        return b.mul(this.expr(args[0]), this.expr(args[1]));
      case 'divide': {
        const [x, y] = [this.expr(args[0]), this.expr(args[1])];
        if (!isScalarShape(y.shape)) throw this.fail(n, 'division by a matrix is not defined; write A*inv(B) or A ./ B (entrywise)');
        return b.mul(x, b.recip(y));
      }
      case 'ctranspose':
      case 'transpose':
        return b.T(this.expr(args[0]));
      case 'dotMultiply': {
        const [x, y] = [this.expr(args[0]), this.expr(args[1])];
        return isScalarShape(x.shape) || isScalarShape(y.shape) ? b.mul(x, y) : b.hadamard(x, y);
      }
      case 'dotDivide': {
        const [x, y] = [this.expr(args[0]), this.expr(args[1])];
        if (isScalarShape(y.shape)) return b.mul(x, b.recip(y));
        return isScalarShape(x.shape) ? b.mul(x, b.hpow(y, -1)) : b.hadamard(x, b.hpow(y, -1));
      }
      case 'dotPow': {
        const x = this.expr(args[0]);
        const k = this.number(args[1], 'the exponent of .^');
        return isScalarShape(x.shape) ? b.pow(x, k) : b.hpow(x, k);
      }
      case 'pow': {
        const x = this.expr(args[0]);
        const k = this.number(args[1], 'an exponent');
        if (isScalarShape(x.shape)) return b.pow(x, k);
        if (!isSquare(x.shape)) throw this.fail(n, `A^k needs a square matrix; for entrywise powers write A.^${k}`);
        if (k === -1) return b.inv(x);
        // S^(1/2), S^(-1/2): powers of a positive (semi)definite matrix, through its eigenvalues
        if (!Number.isInteger(k)) return b.spdpow(x, k);
        if (k < 1) throw this.fail(n, 'a matrix power needs a positive integer exponent, -1, or a fractional one for a positive definite matrix (S^(-1/2))');
        return b.mpow(x, k);
      }
      default:
        throw this.fail(n, `the operator ${n.op} is not part of the matcalc language`);
    }
  }

  call(n: AnyNode): Expr {
    const name: string = n.fn?.name ?? '';
    const order = sigmaDerivative(name);
    if (order !== undefined) {
      if (n.args.length !== 1) throw this.fail(n, `${name} takes one argument`);
      return b.ew('sigma', this.expr(n.args[0]), order);
    }
    if ((name === 'prod' || name === 'sum') && n.args[0]?.type === 'AssignmentNode') return this.rangeOp(n, name);
    if (name === 'prod') throw this.fail(n, 'expected prod(j = a..b, factor), e.g. prod(j = l..k+1, W[j])');
    const f: LangFunction | undefined = FUNCTIONS.get(name);
    if (!f) {
      if (this.scope.decls.symbols.has(name)) throw this.fail(n, `${name} is a symbol, not a function (for a product write ${name}*(...))`);
      throw this.fail(n, `unknown function ${name}; known: ${[...FUNCTIONS.keys()].join(', ')}`);
    }
    const nargs: AnyNode[] = n.args;
    const min = f.args.length - (f.optional ?? 0);
    if (nargs.length < min || nargs.length > f.args.length)
      throw this.fail(n, `${name} takes ${min === f.args.length ? min : `${min} to ${f.args.length}`} argument${f.args.length === 1 ? '' : 's'} (${f.help}), got ${nargs.length}`);
    const values = nargs.map((a, i) => {
      switch (f.args[i]) {
        case 'expr':
          return this.expr(a);
        case 'dim':
          return this.dim(a);
        case 'number':
          return this.number(a, `argument ${i + 1} of ${name}`);
        case 'string':
          if (name === 'norm' && a.type === 'ConstantNode' && a.value === 2) return isColumn(values0(this, nargs)) ? 'fro' : '2';
          if (name === 'norm' && a.type === 'ConstantNode' && typeof a.value === 'number')
            throw this.fail(a, `only the Frobenius norm is supported (norm(A) or norm(A, 'fro')); the ${a.value}-norm is not differentiable in general`);
          if (a.type !== 'ConstantNode' || typeof a.value !== 'string') throw this.fail(a, `expected a quoted string such as 'fro'`);
          if (name === 'norm' && a.value !== 'fro')
            throw this.fail(a, `only the Frobenius norm is supported (norm(A) or norm(A, 'fro')); the ${a.value}-norm is not differentiable in general`);
          return a.value as string;
      }
    });
    return f.build(values);
  }
}

function isColumn(e: Expr): boolean {
  return e.shape.cols.coef === 1 && e.shape.cols.syms.length === 0;
}

function values0(t: Translator, nargs: AnyNode[]): Expr {
  return t.expr(nargs[0]);
}
