// Families of matrices in expressions: members W[k], ordered products prod(j = l..k+1, W[j]) and sums
// sum(k = 1..l, …) over symbolic ranges, and the substitution of indices, which is also how a symbolic
// result is instantiated at a concrete depth (l = 3, k = 2) for checking: a range that becomes concrete
// is expanded into an ordinary product or sum.
import { Expr, IndexRange, Member, Property, SymNode, mapDag, op, sym, withArgs } from './ast.js';
import { Dim, dimEq, dimMul, dimNum } from './dim.js';
import { ShapeError } from './errors.js';
import { Shape, shape, shapeText } from './shape.js';
import {
  Idx, IdxSubst, IndexVar, indexVar, idxOf, idxVarsDeep, idxPlus, idxSub, isConstIdx, substIdx, substVar, substDimName, dimNameMentions,
} from './indices.js';
import { add, eye, mul, zeroLike } from './build.js';

/** Products and sums of constant length up to this many terms are written out. */
export const EXPAND_LIMIT = 512;

export function memberName(family: string, index: readonly Idx[]): string {
  return `${family}[${index.map((i) => i.text).join(',')}]`;
}

export function substDim(d: Dim, by: ReadonlyMap<string, Idx>): Dim {
  if (!d.syms.some((s) => s.includes('['))) return d;
  return d.syms.map((s) => substDimName(s, by)).reduce((acc, s) => dimMul(acc, { coef: 1, syms: [s] }), dimNum(d.coef));
}

export function substShape(s: Shape, by: ReadonlyMap<string, Idx>): Shape {
  const rows = substDim(s.rows, by), cols = substDim(s.cols, by);
  return dimEq(rows, s.rows) && dimEq(cols, s.cols) ? s : shape(rows, cols);
}

export function dimMentions(d: Dim, name: string): boolean {
  return d.syms.some((s) => dimNameMentions(s, name));
}

const byName = (s: IdxSubst): Map<string, Idx> => new Map([...s].map(([v, i]) => [v.name, i]));

/** A member of a family whose template shape is given in terms of the slot variables. */
export function member(family: string, slots: readonly IndexVar[], template: Shape, props: readonly Property[], index: readonly Idx[], delta = false): SymNode {
  const by = new Map(slots.map((v, i) => [v.name, index[i]]));
  const m: Member = { family, index };
  return sym(memberName(family, index), substShape(template, by), props, delta, m);
}

/**
 * Substitute index variables throughout an expression DAG. Members are renamed (W[k] → W[3]), dimensions
 * follow (n[k-1] → n[2]), bound variables get their new ranges, and ranges that become constant are
 * expanded: prod(j = 3..1, W[j]) is W[3]*W[2]*W[1].
 */
export function reindex(e: Expr, s: IdxSubst): Expr {
  if (s.size === 0) return e;
  const varMemo = new Map<IndexVar, Idx>();
  // dimension names are substituted by name: inside a body, its bound variable's name is its own
  const scope = (names: ReadonlyMap<string, Idx>) => {
    const memo = new Map<Expr, Expr>();
    const go = (x: Expr): Expr => {
      const hit = memo.get(x);
      if (hit) return hit;
      let out: Expr;
      if (x.kind === 'num') out = x;
      else if (x.kind === 'sym') {
        // a plain symbol may have a shape that follows an index too (Y: n[l] x m)
        const shp = substShape(x.shape, names);
        const index = x.member?.index.map((i) => substIdx(i, s, varMemo));
        const same = shp === x.shape && (!index || index.every((i, k) => i === x.member!.index[k]));
        out = same ? x : index ? sym(memberName(x.member!.family, index), shp, x.props, x.delta, { family: x.member!.family, index }) : sym(x.name, shp, x.props, x.delta);
      } else if (x.attrs.range) {
        const r = x.attrs.range;
        const v = substVar(r.v, s, varMemo).terms[0][0];
        const range: IndexRange = { v, from: substIdx(r.from, s, varMemo), to: substIdx(r.to, s, varMemo), down: r.down };
        const inner = new Map(names);
        if (!s.has(r.v)) inner.delete(r.v.name);
        const body = scope(inner)(x.args[0]);
        out = x.op === 'prod' ? prodOver(range, body) : sumOver(range, body);
      } else {
        const args = x.args.map(go);
        const dims = x.attrs.dims?.map((d) => substDim(d, names));
        out = dims?.some((d, i) => d !== x.attrs.dims![i]) ? op(x.op, args, { ...x.attrs, dims }) : withArgs(x, args);
      }
      memo.set(x, out);
      return out;
    };
    return go;
  };
  return scope(byName(s))(e);
}

/** body with the bound variable replaced: B(j) at j = i. */
export function bodyAt(r: IndexRange, body: Expr, i: Idx): Expr {
  return reindex(body, new Map([[r.v, i]]));
}

/** Number of factors (terms) when it does not depend on the variables. */
export function constantLength(r: IndexRange): number | undefined {
  const n = r.down ? idxSub(r.from, r.to) : idxSub(r.to, r.from);
  return isConstIdx(n) ? Math.max(0, n.c + 1) : undefined;
}

/** The positions of a range in order: from, from∓1, …, to (constant length only). */
export function positions(r: IndexRange): Idx[] {
  const n = constantLength(r)!;
  return Array.from({ length: n }, (_, i) => idxPlus(r.from, r.down ? -i : i));
}

/** The shape of prod over a range: rows of the first factor, columns of the last. */
export function productShape(r: IndexRange, body: Expr): Shape {
  const j = r.v.name;
  const at = (i: Idx) => new Map([[j, i]]);
  // consecutive factors must chain: B(j) then B(j−1) going down, B(j) then B(j+1) going up
  const next = idxPlus(idxOf(r.v), r.down ? -1 : 1);
  if (!dimEq(body.shape.cols, substDim(body.shape.rows, at(next))))
    throw new ShapeError(
      `the factors of the product over ${j} = ${r.from.text}..${r.to.text} do not chain: factor ${j} is ${shapeText(body.shape)} and factor ${next.text} is ${shapeText(substShape(body.shape, at(next)))}; the columns of each factor must equal the rows of the next`,
    );
  return shape(substDim(body.shape.rows, at(r.from)), substDim(body.shape.cols, at(r.to)));
}

/** The shape of the terms of a sum over a range: they must not depend on the index. */
export function sumShape(r: IndexRange, body: Expr): Shape {
  if (dimMentions(body.shape.rows, r.v.name) || dimMentions(body.shape.cols, r.v.name))
    throw new ShapeError(`the terms of the sum over ${r.v.name} = ${r.from.text}..${r.to.text} have different shapes (term ${r.v.name} is ${shapeText(body.shape)}); a sum needs terms of one shape`);
  return body.shape;
}

/** Identity of the size an empty product over r stands for (W_l⋯W_{l+1} = I). */
function emptyProduct(r: IndexRange, body: Expr): Expr {
  return eye(substDim(body.shape.rows, new Map([[r.v.name, r.from]])));
}

/** Ordered product B(from)⋯B(to): written out when its length is a known constant, the identity when empty. */
export function prodOver(r: IndexRange, body: Expr): Expr {
  const n = constantLength(r);
  if (n === 0) return emptyProduct(r, body);
  if (n !== undefined && n <= EXPAND_LIMIT) {
    const factors = positions(r).map((i) => bodyAt(r, body, i));
    return factors.length === 1 ? factors[0] : mul(...factors);
  }
  return op('prod', [body], { range: r });
}

/** Sum of B(from), …, B(to): written out when its length is a known constant, zero when empty. */
export function sumOver(r: IndexRange, body: Expr): Expr {
  const n = constantLength(r);
  if (n === 0) return zeroLike(body);
  if (n !== undefined && n <= EXPAND_LIMIT) {
    const terms = positions(r).map((i) => bodyAt(r, body, i));
    return terms.length === 1 ? terms[0] : add(...terms);
  }
  return op('isum', [body], { range: r });
}

/**
 * A piece from..to of a product's range (the prefix W_l⋯W_{k+1}), with a bound variable of that range.
 * The bound variable keeps its name unless a free index of the piece has it (prod(k = l..k+1, …) would
 * not read back).
 */
export function subProduct(r: IndexRange, body: Expr, from: Idx, to: Idx): Expr {
  const [lo, hi] = r.down ? [to, from] : [from, to];
  const taken = new Set([...freeIndexVars([body]), ...idxVarsDeepAll([from, to])].filter((v) => v !== r.v).map((v) => v.name));
  const name = freshName([r.v.name, ...FRESH], taken, r.v.name);
  const v = indexVar(name, lo, hi, true);
  return prodOver({ v, from, to, down: r.down }, bodyAt(r, body, idxOf(v)));
}

/** A name for a new bound variable inside `e` that clashes with none of its indices. */
export function freshIndexName(e: Expr): string {
  const taken = indexNamesIn(e);
  return freshName(['i', ...FRESH], taken, 'i');
}

/** Names for the variable of a product or sum, in order of preference. */
const FRESH = ['j', 'i', 'p', 's', 't', 'u', 'j1', 'j2', 'j3'];

function freshName(candidates: readonly string[], taken: ReadonlySet<string>, base: string): string {
  return candidates.find((n) => !taken.has(n)) ?? `${base}_`;
}

function idxVarsDeepAll(xs: readonly Idx[]): IndexVar[] {
  const out = new Set<IndexVar>();
  xs.forEach((x) => idxVarsDeep(x, out));
  return [...out];
}

/** Free index variables of an expression (bound ones excluded), with the variables of their ranges. */
export function freeIndexVars(roots: readonly Expr[]): Set<IndexVar> {
  const out = new Set<IndexVar>();
  const seen = new Set<Expr>();
  const addIdx = (i: Idx, bound: ReadonlySet<IndexVar>) => {
    for (const [v] of i.terms) {
      if (bound.has(v) || out.has(v)) continue;
      out.add(v);
      addIdx(v.lo, bound);
      if (v.hi) addIdx(v.hi, bound);
    }
  };
  const visit = (x: Expr, bound: ReadonlySet<IndexVar>) => {
    if (bound.size === 0) {
      if (seen.has(x)) return;
      seen.add(x);
    }
    if (x.kind === 'sym') x.member?.index.forEach((i) => addIdx(i, bound));
    else if (x.kind === 'op') {
      const r = x.attrs.range;
      if (r) {
        addIdx(r.from, bound);
        addIdx(r.to, bound);
        // the bound variable's own range is from..to, already counted
        visit(x.args[0], new Set([...bound, r.v]));
      } else x.args.forEach((a) => visit(a, bound));
    }
  };
  roots.forEach((r) => visit(r, new Set()));
  return out;
}

export function isIndexed(roots: readonly Expr[]): boolean {
  return freeIndexVars(roots).size > 0;
}

/**
 * Give the variables of products and sums names that no free index of `root` has, so that the text reads
 * back: with the free k of W[k], prod(k = l..1, …) in the same result becomes prod(j = l..1, …).
 */
export function renameBound(root: Expr): Expr {
  const free = new Set([...freeIndexVars([root])].map((v) => v.name));
  if (free.size === 0) return root;
  return mapDag(root, (_, x) => {
    if (x.kind !== 'op' || !x.attrs.range || !free.has(x.attrs.range.v.name)) return x;
    const r = x.attrs.range;
    const inner = indexNamesIn(x.args[0]);
    const name = freshName(FRESH, new Set([...free, ...inner]), r.v.name);
    const v = indexVar(name, r.v.lo, r.v.hi, true);
    const body = bodyAt(r, x.args[0], idxOf(v));
    return x.op === 'prod' ? prodOver({ ...r, v }, body) : sumOver({ ...r, v }, body);
  });
}

/** Every index variable name inside an expression, bound ones included. */
function indexNamesIn(e: Expr): Set<string> {
  const out = new Set<string>();
  const seen = new Set<Expr>();
  const addIdx = (i: Idx) => idxVarsDeep(i).forEach((v) => out.add(v.name));
  const visit = (x: Expr) => {
    if (seen.has(x)) return;
    seen.add(x);
    if (x.kind === 'sym') x.member?.index.forEach(addIdx);
    if (x.kind !== 'op') return;
    if (x.attrs.range) {
      out.add(x.attrs.range.v.name);
      addIdx(x.attrs.range.from);
      addIdx(x.attrs.range.to);
    }
    x.args.forEach(visit);
  };
  visit(e);
  return out;
}
