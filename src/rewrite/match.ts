// The matcher: a rule's left side against an expression, modulo associativity of products (a pattern
// factor matches any contiguous run of factors: vec(A·X·B) matches vec(W3·W2·W1·X) with A = W3, X = W2,
// B = W1X) and commutativity of sums. Pattern variables carry symbolic shapes, unified with the target's
// dimensions, and properties (symmetric, invertible) that the target must have. A generic σ in a pattern
// matches any entrywise function, and σ′ on the right side becomes that function's derivative.
import { Expr, OpNode, SymNode, familyMarker, isOp, mapDag, op, withArgs } from '../expr/ast.js';
import { ew, eye, mul, T } from '../expr/build.js';
import { Dim, dimEq, dimMul } from '../expr/dim.js';
import { elementwise } from '../ops/elementwise.js';
import { simplify } from './simplify.js';
import type { Rule } from './rules.js';
import { ShapeError } from '../expr/errors.js';
import { dependsOn } from '../calculus/differential.js';
import { Idx, IndexVar, coefficientOf, idxLinear, idxOf, idxSub, idxVarsDeep, indexVar, provablyLE, solveFor } from '../expr/indices.js';
import { bodyAt, prodOver } from '../expr/families.js';

export interface Bindings {
  readonly exprs: ReadonlyMap<string, Expr>;
  readonly dims: ReadonlyMap<string, Dim>;
  /** the entrywise function a generic σ matched */
  readonly fn?: { readonly name: string; readonly k?: number };
  /** product dimensions (m·n) met before their factors were bound: checked once the match is complete */
  readonly pending?: readonly (readonly [Dim, Dim])[];
  /** index pattern variables (a, b, k of a rule over a family) and what they matched */
  readonly idx?: ReadonlyMap<IndexVar, Idx>;
  /** a pattern family F: the body B(v) of the product it matched, so that F[i] is B(i) */
  readonly bodies?: ReadonlyMap<string, { readonly v: IndexVar; readonly body: Expr }>;
}

export const NO_BINDINGS: Bindings = { exprs: new Map(), dims: new Map() };

function bindDim(p: Dim, t: Dim, b: Bindings): Bindings | undefined {
  if (p.syms.length === 1 && p.coef === 1) {
    const name = p.syms[0];
    const bound = b.dims.get(name);
    if (bound) return dimEq(bound, t) ? b : undefined;
    return { ...b, dims: new Map(b.dims).set(name, t) };
  }
  const resolved = resolveDim(p, b);
  if (!resolved) return { ...b, pending: [...(b.pending ?? []), [p, t]] };
  return dimEq(resolved, t) ? b : undefined;
}

/** The product dimensions deferred during matching, now that every factor is bound. */
function pendingHold(b: Bindings): boolean {
  return (b.pending ?? []).every(([p, t]) => {
    const r = resolveDim(p, b);
    return r !== undefined && dimEq(r, t);
  });
}

function resolveDim(d: Dim, b: Bindings): Dim | undefined {
  let out: Dim = { coef: d.coef, syms: [] };
  for (const s of d.syms) {
    const v = b.dims.get(s);
    if (!v) return undefined;
    out = dimMul(out, v);
  }
  return out;
}

function isSymmetricExpr(e: Expr): boolean {
  if (e.kind === 'sym') return e.props.has('symmetric') || e.props.has('spd');
  return simplify(T(e)) === simplify(e);
}

function isInvertibleExpr(e: Expr): boolean {
  if (e.kind === 'sym') return e.props.has('invertible') || e.props.has('spd');
  return isOp(e, 'inv') || isOp(e, 'eye');
}

function bindVar(p: SymNode, t: Expr, b: Bindings): Bindings | undefined {
  const bound = b.exprs.get(p.name);
  if (bound) return bound === t ? b : undefined;
  // a pattern variable stands for an expression without differentials, or for a differential dX itself
  // (V in diff(U, X, V) is dX in a derivation)
  if (t.hasDelta && t.kind !== 'sym') return undefined;
  let c: Bindings | undefined = bindDim(p.shape.rows, t.shape.rows, b);
  c = c && bindDim(p.shape.cols, t.shape.cols, c);
  if (!c) return undefined;
  if ((p.props.has('symmetric') || p.props.has('spd')) && !isSymmetricExpr(t)) return undefined;
  if ((p.props.has('invertible') || p.props.has('spd')) && !isInvertibleExpr(t)) return undefined;
  if (p.props.has('stochastic') && !(t.kind === 'sym' && t.props.has('stochastic'))) return undefined;
  return { ...c, exprs: new Map(c.exprs).set(p.name, t) };
}

/** Factors of a product, nested products flattened (patterns are written with binary *). */
function factors(e: Expr): Expr[] {
  return isOp(e, 'mul') ? e.args.flatMap(factors) : [e];
}

function product(parts: readonly Expr[]): Expr {
  return parts.length === 1 ? parts[0] : simplify(mul(...parts));
}

/** Every way to cut `ts` into `ps.length` non-empty contiguous runs matching the pattern factors. */
function matchChain(ps: readonly Expr[], ts: readonly Expr[], vars: ReadonlySet<string>, b: Bindings): Bindings[] {
  if (ps.length === 0) return ts.length === 0 ? [b] : [];
  const out: Bindings[] = [];
  const [p, ...rest] = ps;
  const maxTake = ts.length - rest.length;
  for (let take = 1; take <= maxTake; take++) {
    // only a pattern variable can stand for several factors
    if (take > 1 && !(p.kind === 'sym' && vars.has(p.name))) break;
    // a run across a scalar that was itself a product (xᵀy inside c·xᵀy·z flattens to xᵀ, y) may not be a product
    let run: Expr;
    try {
      run = product(ts.slice(0, take));
    } catch (e) {
      if (e instanceof ShapeError) continue;
      throw e;
    }
    for (const c of matchAt(p, run, vars, b)) out.push(...matchChain(rest, ts.slice(take), vars, c));
  }
  return out;
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((r) => [x, ...r]));
}

/** Bindings fixing some of a rule's pattern variables in advance (with their dimensions). */
export function prebind(rule: Rule, fixed: Readonly<Record<string, Expr>>): Bindings | undefined {
  let b: Bindings | undefined = NO_BINDINGS;
  for (const [name, e] of Object.entries(fixed)) {
    const p = rule.decls.symbols.get(name);
    if (p && b) b = bindVar(p, e, b);
  }
  return b;
}

// ── families in patterns ─────────────────────────────────────────────────────────────────────────
// A rule may be stated over a pattern family F (where: F[j = 1..n]: m x m) and index variables a, b, k:
// prod(j = a..b, F[j]) matches any product over a range, binding a and b to its bounds and F to its
// body (any body, not only members of one family: (I + A_{j r}⋯A_{j1}) is a body too); F[k] then
// matches the body at an index, which binds k. Bound variables of patterns are the products' own.

const isPatternMember = (p: Expr, vars: ReadonlySet<string>): p is SymNode => p.kind === 'sym' && !!p.member && vars.has(familyMarker(p.member.family));

/** Match a pattern index (affine in pattern variables) with a target index, binding at most one new variable. */
/** Pattern variables replaced by what they matched (their own ranges are not rebuilt: they are names here). */
function bound(p: Idx, b: Bindings): Idx {
  return b.idx?.size ? idxLinear(p.terms.map(([v, c]) => [b.idx!.get(v) ?? idxOf(v), c] as const), p.c) : p;
}

/** The name under which a rule's index variable is among its pattern variables (src/rewrite/rules.ts). */
export const indexPatternName = (v: IndexVar): string => `#${v.key}`;

function matchIdx(p: Idx, t: Idx, vars: ReadonlySet<string>, b: Bindings): Bindings | undefined {
  const known = bound(p, b);
  if (known === t) return b;
  // the pattern's index variables still free (the target's own indices are not to be bound)
  const open = known.terms.filter(([v]) => vars.has(indexPatternName(v)));
  const v = open.length === 1 ? open[0][0] : undefined;
  const value = v && solveFor(idxSub(known, t), v);
  return value ? { ...b, idx: new Map(b.idx ?? []).set(v, value) } : undefined;
}

/** The index i with body(i) = t, found by comparing member indices (undefined when there is none). */
function solveBody(body: Expr, v: IndexVar, t: Expr): Idx | undefined {
  let found: Idx | undefined;
  let ok = true;
  const go = (p: Expr, x: Expr) => {
    if (!ok) return;
    if (p === x) return;
    if (p.kind === 'sym' && x.kind === 'sym' && p.member && x.member && p.member.family === x.member.family && p.delta === x.delta) {
      p.member.index.forEach((pi, s) => {
        const xi = x.member!.index[s];
        if (coefficientOf(pi, v) === 0) {
          if (pi !== xi) ok = false;
          return;
        }
        const value = solveFor(idxSub(pi, xi), v);
        if (!value) return void (ok = false);
        if (found && found !== value) ok = false;
        found ??= value;
      });
      return;
    }
    if (p.kind === 'op' && x.kind === 'op' && p.op === x.op && p.args.length === x.args.length) p.args.forEach((a, i) => go(a, x.args[i]));
    else ok = false;
  };
  go(body, t);
  return ok && found && bodyAt({ v, from: found, to: found, down: true }, body, found) === t ? found : undefined;
}

function matchFamily(p: Expr, t: Expr, vars: ReadonlySet<string>, b: Bindings): Bindings[] | undefined {
  if (isOp(p, 'prod') && isPatternMember(p.args[0], vars)) {
    if (!isOp(t, 'prod') || t.attrs.range!.down !== p.attrs.range!.down) return [];
    const F = p.args[0].member!.family;
    let c = matchIdx(p.attrs.range!.from, t.attrs.range!.from, vars, b);
    c = c && matchIdx(p.attrs.range!.to, t.attrs.range!.to, vars, c);
    if (!c) return [];
    const bound = c.bodies?.get(F);
    const tv = t.attrs.range!.v, tb = t.args[0];
    if (bound) return bodyAt({ v: bound.v, from: idxOf(tv), to: idxOf(tv), down: true }, bound.body, idxOf(tv)) === tb ? [c] : [];
    return [{ ...c, bodies: new Map(c.bodies ?? []).set(F, { v: tv, body: tb }) }];
  }
  if (isPatternMember(p, vars)) {
    const F = b.bodies?.get(p.member!.family);
    if (!F) return [];
    const i = solveBody(F.body, F.v, t);
    const c = i && matchIdx(p.member!.index[0], i, vars, b);
    return c ? [c] : [];
  }
  return undefined;
}

/** The right side's families and indices: F[i] is the matched body at i, products get fresh bound variables. */
function instantiateFamilies(e: Expr, vars: ReadonlySet<string>, b: Bindings, rest: (e: Expr) => Expr): Expr {
  const idx = (i: Idx) => {
    if (i.terms.some(([v]) => !v.bound && !b.idx?.has(v))) throw new Error(`the index ${i.text} is not bound by the match`);
    return bound(i, b);
  };
  const go = (x: Expr): Expr => {
    if (isOp(x, 'prod') && isPatternMember(x.args[0], vars)) {
      const F = b.bodies?.get(x.args[0].member!.family);
      if (!F) throw new Error('an unbound pattern family');
      const r = x.attrs.range!;
      const from = idx(r.from), to = idx(r.to);
      const [lo, hi] = r.down ? [to, from] : [from, to];
      const v = indexVar(F.v.name, lo, hi, true);
      return prodOver({ v, from, to, down: r.down }, bodyAt({ v: F.v, from: idxOf(F.v), to: idxOf(F.v), down: true }, F.body, idxOf(v)));
    }
    if (isPatternMember(x, vars)) {
      const F = b.bodies?.get(x.member!.family);
      if (!F) throw new Error('an unbound pattern family');
      const i = idx(x.member!.index[0]);
      return bodyAt({ v: F.v, from: i, to: i, down: true }, F.body, i);
    }
    if (x.kind !== 'op') return rest(x);
    return rest(withArgs(x, x.args.map(go)));
  };
  return go(e);
}

export function matchAt(p: Expr, t: Expr, vars: ReadonlySet<string>, b: Bindings): Bindings[] {
  const fam = p.kind !== 'num' && (p.kind === 'op' || p.member) ? matchFamily(p, t, vars, b) : undefined;
  if (fam) return fam;
  if (p.kind === 'sym') {
    if (vars.has(p.name)) {
      const c = bindVar(p, t, b);
      return c ? [c] : [];
    }
    return p === t ? [b] : [];
  }
  if (p.kind === 'num') return t.kind === 'num' && t.value === p.value ? [b] : [];
  if (t.kind !== 'op') return [];
  if (p.op === 'mul') return isOp(t, 'mul') ? matchChain(factors(p), factors(t), vars, b) : [];
  if (p.op !== t.op) return [];
  if (p.op === 'ew' && p.attrs.fn === 'sigma' && (p.attrs.k ?? 0) === 0) {
    const fn = { name: t.attrs.fn!, k: t.attrs.k };
    if (b.fn && (b.fn.name !== fn.name || b.fn.k !== fn.k)) return [];
    return matchAt(p.args[0], t.args[0], vars, { ...b, fn });
  }
  if (!sameAttrs(p, t, b)) return [];
  if (p.args.length !== t.args.length) return [];
  const orders = p.op === 'add' && p.args.length <= 4 ? permutations(t.args) : [t.args];
  const out: Bindings[] = [];
  for (const targs of orders) {
    let states = [sameDims(p, t, b)].filter((x): x is Bindings => !!x);
    p.args.forEach((pa, i) => (states = states.flatMap((s) => matchAt(pa, targs[i], vars, s))));
    out.push(...states);
  }
  return out;
}

function sameAttrs(p: OpNode, t: OpNode, _b: Bindings): boolean {
  return p.attrs.fn === t.attrs.fn && p.attrs.k === t.attrs.k && (p.attrs.dims?.length ?? 0) === (t.attrs.dims?.length ?? 0);
}

function sameDims(p: OpNode, t: OpNode, b: Bindings): Bindings | undefined {
  let c: Bindings | undefined = b;
  (p.attrs.dims ?? []).forEach((d, i) => (c = c && bindDim(d, t.attrs.dims![i], c)));
  return c;
}

/** The rule's right side with the bindings substituted (dimensions and σ included). */
export function instantiate(rhs: Expr, vars: ReadonlySet<string>, b: Bindings): Expr {
  if (b.bodies?.size || b.idx?.size) {
    const plain = (x: Expr) => (x.kind === 'sym' && vars.has(x.name) ? b.exprs.get(x.name) ?? x : x);
    return instantiateFamilies(rhs, vars, b, plain);
  }
  // built bottom-up by hand: a node with dimensions (unvec(v, p, q), eye(p)) takes the bound ones before
  // its shape is checked against its (instantiated) arguments
  const memo = new Map<Expr, Expr>();
  const go = (orig: Expr): Expr => {
    const hit = memo.get(orig);
    if (hit) return hit;
    let out: Expr;
    if (orig.kind === 'sym') out = vars.has(orig.name) ? b.exprs.get(orig.name) ?? orig : orig;
    else if (orig.kind !== 'op') out = orig;
    else {
      const args = orig.args.map(go);
      if (orig.op === 'ew' && orig.attrs.fn === 'sigma' && b.fn) {
        const order = orig.attrs.k ?? 0;
        if (order === 0) out = ew(b.fn.name, args[0], b.fn.k);
        else if (b.fn.name === 'sigma') out = ew('sigma', args[0], (b.fn.k ?? 0) + order);
        else if (order === 1) out = elementwise(b.fn.name).derivative(args[0], b.fn.k ?? 0);
        else throw new Error(`the rule needs the ${order}-th derivative of ${b.fn.name}`);
      } else if (orig.attrs.dims) {
        const dims = orig.attrs.dims.map((d) => resolveDim(d, b) ?? d);
        // I of size 1 is the number 1
        out = orig.op === 'eye' ? eye(dims[0]) : op(orig.op, args, { ...orig.attrs, dims });
      }
      else out = args.every((a, i) => a === orig.args[i]) ? orig : withArgs(orig, args);
    }
    memo.set(orig, out);
    return out;
  };
  return go(rhs);
}

const patternVars = new WeakMap<Rule, Set<IndexVar>>();
function patternIndexVars(rule: Rule): Set<IndexVar> {
  let s = patternVars.get(rule);
  if (!s) patternVars.set(rule, (s = new Set(rule.decls.indices.values())));
  return s;
}

export function conditionsHold(rule: Rule, b: Bindings): boolean {
  if (!pendingHold(b)) return false;
  // the ranges of the index variables (k in b..a): provably, for the indices matched
  for (const v of rule.decls.indices.values()) {
    const value = b.idx?.get(v);
    if (!value || !v.hi) continue;
    const [lo, hi] = [bound(v.lo, b), bound(v.hi, b)];
    // a bound that mentions a pattern variable the match did not bind (the n of F[j = 1..n]) says nothing
    const unbound = (i: Idx) => idxVarsDeep(i).size > 0 && [...idxVarsDeep(i)].some((w) => patternIndexVars(rule).has(w));
    if (!unbound(lo) && !provablyLE(lo, value)) return false;
    if (!unbound(hi) && !provablyLE(value, hi)) return false;
  }
  return rule.conditions.every((c) => {
    const a = b.exprs.get(c.name), x = b.exprs.get(c.of);
    if (!a || !x) return false;
    if (x.kind === 'sym' && x.member) return !dependsOn(a, x);
    return ![...x.vars].some((v) => a.vars.has(v)) && !(x.kind === 'sym' && a.vars.has(x.name));
  });
}

/** Every result of applying the rule once, anywhere (for checking that a cited rule justifies a step). */
export function allRewrites(rule: Rule, e: Expr, limit = 200, pre: Bindings = NO_BINDINGS): Expr[] {
  const out: Expr[] = [];
  const sites = (n: Expr, rebuild: (r: Expr) => Expr) => {
    if (out.length >= limit) return;
    for (const b of matchAt(rule.lhs, n, rule.vars, pre)) {
      if (!conditionsHold(rule, b)) continue;
      try {
        out.push(rebuild(instantiate(rule.rhs, rule.vars, b)));
      } catch {
        /* a binding the right side cannot use */
      }
    }
    if (n.kind !== 'op') return;
    if (n.op === 'mul') {
      const fs = factors(n);
      for (let len = fs.length - 1; len >= 2; len--)
        for (let i = 0; i + len <= fs.length; i++) {
          // a run across a scalar that was itself a product (xᵀAx·x flattens to xᵀ, A, x, x) may not be a product
          let run: Expr;
          try {
            run = product(fs.slice(i, i + len));
          } catch (e) {
            if (e instanceof ShapeError) continue;
            throw e;
          }
          sites(run, (r) => rebuild(mul(...fs.slice(0, i), r, ...fs.slice(i + len))));
        }
    }
    n.args.forEach((a, i) => sites(a, (r) => rebuild(withArgs(n, n.args.map((x, j) => (j === i ? r : x))))));
  };
  sites(e, (r) => r);
  return out;
}

export interface Rewrite {
  readonly result: Expr;
  /** the subexpression rewritten, before and after */
  readonly site: { readonly before: Expr; readonly after: Expr };
  readonly bindings: Bindings;
}

/**
 * Apply a rule once, at the outermost-leftmost place where it matches (sub-chains of products count as
 * places). `pre` fixes some pattern variables in advance (X := the variable being differentiated).
 */
export function rewriteOnce(rule: Rule, e: Expr, pre: Bindings = NO_BINDINGS, accept: (b: Bindings) => boolean = () => true): Rewrite | undefined {
  const tryAt = (site: Expr): { after: Expr; bindings: Bindings } | undefined => {
    for (const b of matchAt(rule.lhs, site, rule.vars, pre)) {
      if (!conditionsHold(rule, b) || !accept(b)) continue;
      try {
        return { after: instantiate(rule.rhs, rule.vars, b), bindings: b };
      } catch {
        continue;
      }
    }
    return undefined;
  };
  const visit = (n: Expr): Rewrite | undefined => {
    const here = tryAt(n);
    if (here) return { result: here.after, site: { before: n, after: here.after }, bindings: here.bindings };
    if (n.kind !== 'op') return undefined;
    if (n.op === 'mul') {
      const fs = factors(n);
      for (let len = fs.length - 1; len >= 2; len--)
        for (let i = 0; i + len <= fs.length; i++) {
          const sub = product(fs.slice(i, i + len));
          const r = tryAt(sub);
          if (r) {
            const result = mul(...fs.slice(0, i), r.after, ...fs.slice(i + len));
            return { result, site: { before: sub, after: r.after }, bindings: r.bindings };
          }
        }
    }
    for (let i = 0; i < n.args.length; i++) {
      const r = visit(n.args[i]);
      if (r) return { ...r, result: withArgs(n, n.args.map((a, j) => (j === i ? r.result : a))) };
    }
    return undefined;
  };
  return visit(e);
}

