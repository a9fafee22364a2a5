// Checking results stated for symbolic indices (any depth l, any layer k): instantiate the indices with
// several concrete values — the boundaries k = 1 and k = l among them, small and larger depths — expand
// every product and sum into a concrete expression, and run the ordinary checks at each instance, with
// fresh random sizes. A symbolic result is verified when it is verified at every instance.
import { Expr, SymNode, isOp } from '../expr/ast.js';
import { freeIndexVars, reindex } from '../expr/families.js';
import { Idx, IdxSubst, IndexVar, idxConst, idxVars, isConstIdx, substIdx } from '../expr/indices.js';
import { Rng } from '../numeric/random.js';
import { DEFAULT_SEED, checkDerivative, type CheckOptions, type DerivativeClaim, type Verdict } from './derivative.js';
import { QUADRATIC_TOLERANCE, checkHessian, judgeQuadratic, type HessianClaim, type HessianVerdict } from './hessian.js';
import { Sampler, Unchecked, type Scope } from './sample.js';
import { combined, decide, samplingNotes, type Counterexample, type Judgement, type Status } from './verdict.js';

export interface Instance {
  /** values of the index variables: l = 3, k = 2 */
  readonly values: ReadonlyMap<string, number>;
  readonly label: string;
  /** the expression at these indices, products and sums written out */
  at(e: Expr): Expr;
  /** a variable at these indices (W[k] → W[2]) */
  atSym(v: SymNode): SymNode;
}

/** Values tried for a depth parameter (l ≥ lo): lo, …, lo + PARAM_SPAN − 1. */
const PARAM_SPAN = 4;
export const MAX_INSTANCES = 5;

function order(vars: Iterable<IndexVar>): IndexVar[] {
  const all = [...vars];
  const out: IndexVar[] = [];
  const placed = new Set<IndexVar>();
  const place = (v: IndexVar) => {
    if (placed.has(v)) return;
    placed.add(v);
    for (const w of [...idxVars(v.lo), ...(v.hi ? idxVars(v.hi) : [])]) place(w);
    out.push(v);
  };
  all.sort((a, b) => (a.name < b.name ? -1 : 1)).forEach(place);
  return out;
}

function valueOf(i: Idx, s: IdxSubst): number {
  const c = substIdx(i, s);
  if (!isConstIdx(c)) throw new Error(`internal: ${i.text} is not constant after instantiation`);
  return c.c;
}

/** Every admissible assignment of small values to the variables, in a fixed order. */
function assignments(vars: readonly IndexVar[]): Map<IndexVar, number>[] {
  const out: Map<IndexVar, number>[] = [];
  const walk = (k: number, cur: Map<IndexVar, number>) => {
    if (out.length > 2000) return;
    if (k === vars.length) {
      out.push(new Map(cur));
      return;
    }
    const v = vars[k];
    const s: IdxSubst = new Map([...cur].map(([w, n]) => [w, idxConst(n)]));
    const lo = valueOf(v.lo, s);
    const hi = v.hi ? valueOf(v.hi, s) : lo + PARAM_SPAN - 1;
    for (let n = lo; n <= hi; n++) {
      cur.set(v, n);
      walk(k + 1, cur);
      cur.delete(v);
    }
  };
  walk(0, new Map());
  return out;
}

/**
 * A few assignments that together put every variable at its lower bound, at its upper bound and
 * strictly inside its range, and every depth parameter at each of its tried values (l = 1 is the
 * one-layer case, where every product around W_k is empty).
 */
export function chooseInstances(roots: readonly Expr[], max = MAX_INSTANCES): Instance[] {
  const vars = order(freeIndexVars(roots));
  if (vars.length === 0) return [];
  const all = assignments(vars);
  if (all.length === 0) throw new Unchecked(`no values of ${vars.map((v) => v.name).join(', ')} satisfy their ranges`);
  const features = (a: Map<IndexVar, number>): string[] => {
    const s: IdxSubst = new Map([...a].map(([w, n]) => [w, idxConst(n)]));
    return vars.flatMap((v) => {
      const n = a.get(v)!;
      if (!v.hi) return [`${v.name}=${n}`];
      const lo = valueOf(v.lo, s), hi = valueOf(v.hi, s);
      // k = 1 < l, k = l > 1, 1 < k < l and k = 1 = l are different cases for a product split at k
      return [lo === hi ? `${v.name}:single` : n === lo ? `${v.name}:lo` : n === hi ? `${v.name}:hi` : `${v.name}:mid`];
    });
  };
  const size = (a: Map<IndexVar, number>) => [...a.values()].reduce((x, y) => x + y, 0);
  const chosen: Map<IndexVar, number>[] = [];
  const covered = new Set<string>();
  while (chosen.length < max) {
    let best: Map<IndexVar, number> | undefined, bestGain = 0;
    for (const a of all) {
      if (chosen.includes(a)) continue;
      const gain = features(a).filter((f) => !covered.has(f)).length;
      // more new features first; among equals the larger instance (a generic k, away from l = 1)
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && size(a) > size(best))) [best, bestGain] = [a, gain];
    }
    if (!best) break;
    chosen.push(best);
    features(best).forEach((f) => covered.add(f));
  }
  return chosen.map((a) => makeInstance(vars, a));
}

function makeInstance(vars: readonly IndexVar[], a: Map<IndexVar, number>): Instance {
  const s: IdxSubst = new Map(vars.map((v) => [v, idxConst(a.get(v)!)]));
  const memo = new Map<Expr, Expr>();
  const at = (e: Expr) => {
    let r = memo.get(e);
    if (!r) {
      r = reindex(e, s);
      memo.set(e, r);
    }
    return r;
  };
  return {
    values: new Map(vars.map((v) => [v.name, a.get(v)!])),
    label: vars.map((v) => `${v.name}=${a.get(v)}`).join(','),
    at,
    atSym: (v) => {
      const r = at(v);
      if (r.kind !== 'sym') throw new Error(`internal: ${v.name} is not a symbol after instantiation`);
      return r;
    },
  };
}

/** The symbols (values to draw) and dimensions (sizes to draw) of concrete expressions. */
export function concreteScope(roots: readonly Expr[], declared: readonly SymNode[]): { symbols: SymNode[]; dims: Set<string> } {
  const symbols = new Map<string, SymNode>();
  const dims = new Set<string>();
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e)) return;
    seen.add(e);
    for (const d of [e.shape.rows, e.shape.cols, ...(e.kind === 'op' ? (e.attrs.dims ?? []) : [])]) for (const x of d.syms) dims.add(x);
    if (e.kind === 'sym' && !e.delta) symbols.set(e.name, e);
    if (e.kind === 'op') {
      if (isOp(e, 'prod') || isOp(e, 'isum')) throw new Error('internal: a symbolic range survived instantiation');
      e.args.forEach(visit);
    }
  };
  roots.forEach(visit);
  for (const s of declared) {
    if (!symbols.has(s.name)) symbols.set(s.name, s);
    for (const d of [s.shape.rows, s.shape.cols]) for (const x of d.syms) dims.add(x);
  }
  return { symbols: [...symbols.values()], dims };
}

type Assign = readonly (readonly [string, Expr])[];

/** The right sides of an assumption (Y := W2W1X): their indices count as much as the lines'. */
export const assignRoots = (assign?: Assign): Expr[] => (assign ?? []).map(([, e]) => e);

/** Expressions and an assumption at an instance, with the symbols and dimensions to draw there. */
export function atInstance(inst: Instance, exprs: readonly Expr[], declared: readonly SymNode[], assign?: Assign) {
  const at = exprs.map(inst.at);
  const a = assign?.map(([n, e]) => [n, inst.at(e)] as const);
  return { exprs: at, ...(a ? { assign: a } : {}), ...concreteScope([...at, ...assignRoots(a)], declared.map(inst.atSym)) };
}

/** Each instance has its own random stream. */
export const instanceSeed = (seed: number, i: number): number => seed + 7919 * i;

/** How many random points each of n instances gets: at least `points` in all. */
export const pointsEach = (n: number, points = 3): number => Math.max(1, Math.ceil(points / n));

// ── The checks, at every instance ──────────────────────────────────────────────────────────────────

function claimAt(inst: Instance, c: DerivativeClaim): DerivativeClaim {
  const names = c.vars.map((v) => v.name);
  const { exprs: [f, ...rest], assign, symbols, dims } = atInstance(inst, [c.f, ...c.vars, ...names.map((n) => c.claims.get(n)!)], c.symbols, c.assign);
  const vars = rest.slice(0, names.length) as SymNode[];
  const claims = new Map(vars.map((v, i) => [v.name, rest[names.length + i]]));
  return { f, vars, claims, kind: c.kind, symbols, dims, constraints: c.constraints, ...(assign ? { assign } : {}) };
}

/** Verdicts at several instances as one: the points labelled with their instance. */
interface Mergeable<P> extends Judgement {
  readonly method: string;
  readonly maxError: number;
  readonly points: readonly P[];
  readonly evaluations: number;
  readonly notes?: readonly string[];
}

function merged<P>(each: { inst: Instance; v: Mergeable<P> }[]) {
  const status = combined(each.map((e) => e.v.status));
  const failing = each.find((e) => e.v.status === 'fails');
  const unchecked = each.find((e) => e.v.status === 'unchecked');
  return {
    status,
    passed: status === 'holds',
    ...(status === 'unchecked' ? { reason: `at ${unchecked!.inst.label}: ${unchecked!.v.reason}` } : {}),
    ...(failing ? { counterexample: { ...failing.v.counterexample!, instance: failing.inst.label } } : {}),
    method: `${each[0].v.method}; at the indices ${each.map((e) => e.inst.label).join(' | ')}`,
    maxError: Math.max(...each.map((e) => e.v.maxError)),
    points: each.flatMap((e) => e.v.points.map((p) => ({ ...p, instance: e.inst.label }))),
    evaluations: each.reduce((s, e) => s + e.v.evaluations, 0),
    notes: [...new Set(each.flatMap((e) => e.v.notes ?? []))],
  };
}

/** checkDerivative, at every instance of the indices when the claim has symbolic ones. */
export function checkDerivativeAnyDepth(c: DerivativeClaim, opts: CheckOptions = {}): Verdict {
  const instances = chooseInstances([c.f, ...c.claims.values(), ...c.vars, ...assignRoots(c.assign)]);
  if (!instances.length) return checkDerivative(c, opts);
  const each = instances.map((inst, i) => ({
    inst,
    v: checkDerivative(claimAt(inst, c), { ...opts, points: pointsEach(instances.length, opts.points), seed: instanceSeed(opts.seed ?? DEFAULT_SEED, i) }),
  }));
  return { ...merged(each), tolerance: each[0].v.tolerance };
}

/** checkHessian, at every instance of the indices (the blocks of the variables named, W_k and W_k′). */
export function checkHessianAnyDepth(c: HessianClaim, opts: CheckOptions = {}): HessianVerdict {
  const names = c.vars.map((v) => v.name);
  const n = names.length;
  // one list: f, the variables, the gradients, the HVPs, the blocks row by row, the bilinear form
  const roots = [c.f, ...c.vars, ...names.map((m) => c.gradients.get(m)!), ...names.map((m) => c.hvp.get(m)!), ...c.blocks.flat(), c.bilinear];
  const instances = chooseInstances([...roots, ...assignRoots(c.assign)]);
  if (!instances.length) return checkHessian(c, opts);
  const each = instances.map((inst, i) => {
    const { exprs, assign, symbols, dims } = atInstance(inst, roots, c.symbols, c.assign);
    const vars = exprs.slice(1, 1 + n) as SymNode[];
    const byVar = (from: number) => new Map(vars.map((v, k) => [v.name, exprs[from + k]]));
    const blocks = c.blocks.map((_, r) => exprs.slice(1 + 3 * n + r * n, 1 + 3 * n + (r + 1) * n));
    const claim: HessianClaim = {
      f: exprs[0], vars, gradients: byVar(1 + n), hvp: byVar(1 + 2 * n), blocks, bilinear: exprs[exprs.length - 1], symbols, dims, constraints: c.constraints, ...(assign ? { assign } : {}),
    };
    return { inst, v: checkHessian(claim, { ...opts, points: pointsEach(instances.length, opts.points), seed: instanceSeed(opts.seed ?? DEFAULT_SEED, i) }) };
  });
  const gradient = { ...each[0].v.gradient, ...merged(each.map((e) => ({ inst: e.inst, v: e.v.gradient }))) };
  return { ...each[0].v, ...merged(each), gradient };
}

// ── Quadratic forms, and the form over a whole family ──────────────────────────────────────────────

export interface QuadraticVerdict extends Judgement {
  readonly passed: boolean;
  readonly method: string;
  readonly tolerance: number;
  readonly maxError: number;
  readonly points: readonly { readonly instance?: string; readonly sizes: Record<string, number>; readonly error: number; readonly passed: boolean }[];
  readonly evaluations: number;
  readonly notes?: readonly string[];
}

/**
 * A quadratic form ∇²f[Δ, Δ] (in the differentials dX of the variables) against the second difference
 * of f along a random direction, at every instance of the indices. The variables are given, or are
 * every member of a family (dW[i] for all i: the form over every layer).
 */
export function checkQuadraticForm(c: Scope & { f: Expr; quadratic: Expr; family?: string; vars?: readonly SymNode[] }, opts: CheckOptions = {}): QuadraticVerdict {
  const instances = chooseInstances([c.f, c.quadratic, ...assignRoots(c.assign)]);
  type Case = Scope & { label?: string; f: Expr; q: Expr; vars?: readonly SymNode[] };
  const cases: Case[] = instances.length
    ? instances.map((inst) => {
        const { exprs: [f, q, ...vars], ...scope } = atInstance(inst, [c.f, c.quadratic, ...(c.vars ?? [])], c.symbols, c.assign);
        return { label: inst.label, f, q, ...(c.vars ? { vars: vars as SymNode[] } : {}), ...scope, constraints: c.constraints };
      })
    : [c.vars ? { ...c, q: c.quadratic } : { ...c, q: c.quadratic, vars: undefined }];
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const points: QuadraticVerdict['points'][number][] = [];
  const statuses: Status[] = [];
  const notes = new Set<string>();
  let evaluations = 0, reason: string | undefined, counterexample: Counterexample | undefined;
  for (const k of cases) {
    const vars = k.vars ?? k.symbols.filter((s) => s.member?.family === c.family);
    const sampler = new Sampler(k, [k.f], rng, { sizes: opts.sizes });
    const d = decide(sampler, pointsEach(cases.length, opts.points), (s) => {
      const r = judgeQuadratic(k.f, k.q, vars, s, rng);
      evaluations += r.evaluations;
      return { ...r, sizes: Object.fromEntries(s.point.sizes) };
    });
    for (const r of d.results) points.push({ ...(k.label ? { instance: k.label } : {}), sizes: r.sizes, error: r.error, passed: r.outcome === 'agree' });
    statuses.push(d.status);
    samplingNotes(sampler, d).forEach((n) => notes.add(n));
    reason ??= d.reason && (k.label ? `at ${k.label}: ${d.reason}` : d.reason);
    counterexample ??= d.counterexample && { ...d.counterexample, ...(k.label ? { instance: k.label } : {}) };
  }
  const status = combined(statuses);
  return {
    status,
    passed: status === 'holds',
    ...(status === 'unchecked' ? { reason } : {}),
    ...(status === 'fails' ? { counterexample } : {}),
    method: `∇²f[V, V] against the second difference of f along a random direction V in ${c.family ? `every member of ${c.family}` : (c.vars ?? []).map((v) => v.name).join(', ')} (Richardson, h = 4e-3, 2e-3, 1e-3)${instances.length ? `; at the indices ${instances.map((i) => i.label).join(' | ')}` : ''}`,
    tolerance: QUADRATIC_TOLERANCE,
    maxError: Math.max(0, ...points.map((p) => p.error)),
    points,
    evaluations,
    notes: [...notes],
  };
}
