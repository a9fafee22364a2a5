// Index expressions for families of matrices: W_k, W_{k+1}, A_{k(q-1)}, the bounds of W_l⋯W_{k+1}.
// An index is affine in index variables (k, q, the depth l) with integer coefficients. Every index
// variable carries its range (k ∈ 1..l, j ∈ k+1..l for the j of a product), so the facts needed to
// split a product at k — is k one of its factors? is W_l the same matrix as W_k? — travel with the
// expression and need no context. Proofs are by substituting bounds (sound, not complete): when one
// fails, the engine says it cannot decide instead of guessing.

export interface IndexVar {
  readonly name: string;
  /** inclusive lower bound (a depth parameter such as l has lo = 1) */
  readonly lo: Idx;
  /** inclusive upper bound; none for a depth parameter */
  readonly hi?: Idx;
  /** the variable of a prod/sum: never the same as a free index of the same name and range */
  readonly bound: boolean;
  readonly key: string;
}

export interface Idx {
  readonly c: number;
  /** (variable, coefficient) pairs, sorted by name, coefficients nonzero */
  readonly terms: readonly (readonly [IndexVar, number])[];
  /** identity: includes the ranges of the variables */
  readonly key: string;
  /** as written: k+1, l-k, 2*k-1 */
  readonly text: string;
}

const vars = new Map<string, IndexVar>();
const idxs = new Map<string, Idx>();

export function indexVar(name: string, lo: Idx, hi?: Idx, bound = false): IndexVar {
  const key = `${name}{${lo.key}..${hi?.key ?? ''}}${bound ? '^' : ''}`;
  let v = vars.get(key);
  if (!v) {
    v = Object.freeze({ name, lo, hi, bound, key });
    vars.set(key, v);
  }
  return v;
}

function termText(c: number, terms: readonly (readonly [{ name: string }, number])[]): string {
  let s = '';
  for (const [v, k] of terms) {
    const mag = Math.abs(k) === 1 ? v.name : `${Math.abs(k)}*${v.name}`;
    s += s === '' ? (k < 0 ? '-' : '') + mag : (k < 0 ? '-' : '+') + mag;
  }
  if (c !== 0 || s === '') s += s === '' ? String(c) : (c < 0 ? '-' : '+') + Math.abs(c);
  return s;
}

/** The order of terms in an index's text (and in dimension names): positive first, so l-k, not -k+l; then by name. */
function byTextOrder([a, ka]: readonly [string, number], [b, kb]: readonly [string, number]): number {
  if (ka < 0 !== kb < 0) return ka < 0 ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function make(c: number, terms: Map<IndexVar, number>): Idx {
  const sorted = [...terms].filter(([, k]) => k !== 0).sort(([a, ka], [b, kb]) => byTextOrder([a.name, ka], [b.name, kb]) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const key = termText(c, sorted.map(([v, k]) => [{ name: v.key }, k] as const));
  let e = idxs.get(key);
  if (!e) {
    e = Object.freeze({ c, terms: Object.freeze(sorted.map((t) => Object.freeze(t))), key, text: termText(c, sorted) });
    idxs.set(key, e);
  }
  return e;
}

export const idxConst = (c: number): Idx => make(c, new Map());
export const idxOf = (v: IndexVar): Idx => make(0, new Map([[v, 1]]));

export function idxLinear(parts: readonly (readonly [Idx, number])[], c = 0): Idx {
  const terms = new Map<IndexVar, number>();
  for (const [e, s] of parts) {
    c += s * e.c;
    for (const [v, k] of e.terms) terms.set(v, (terms.get(v) ?? 0) + s * k);
  }
  return make(c, terms);
}

export const idxAdd = (a: Idx, b: Idx): Idx => idxLinear([[a, 1], [b, 1]]);
export const idxSub = (a: Idx, b: Idx): Idx => idxLinear([[a, 1], [b, -1]]);
export const idxPlus = (a: Idx, c: number): Idx => idxLinear([[a, 1]], c);
export const idxScale = (a: Idx, s: number): Idx => idxLinear([[a, s]]);

export function isConstIdx(a: Idx): boolean {
  return a.terms.length === 0;
}

export function coefficientOf(a: Idx, v: IndexVar): number {
  return a.terms.find(([w]) => w === v)?.[1] ?? 0;
}

/** The v with e = 0, when v's coefficient in e is ±1 (e = c·v + rest ⇒ v = −rest/c); undefined otherwise. */
export function solveFor(e: Idx, v: IndexVar): Idx | undefined {
  const c = coefficientOf(e, v);
  return Math.abs(c) === 1 ? idxLinear([[e, -1 / c], [idxOf(v), 1]]) : undefined;
}

/** The variables an index mentions directly. */
export function idxVars(a: Idx): IndexVar[] {
  return a.terms.map(([v]) => v);
}

/** Free variables of an index with those of their ranges, transitively (k ∈ 1..l brings l). */
export function idxVarsDeep(a: Idx, out = new Set<IndexVar>()): Set<IndexVar> {
  for (const v of idxVars(a)) {
    if (out.has(v)) continue;
    out.add(v);
    idxVarsDeep(v.lo, out);
    if (v.hi) idxVarsDeep(v.hi, out);
  }
  return out;
}

export type IdxSubst = ReadonlyMap<IndexVar, Idx>;

/**
 * Substitute variables. A variable whose range mentions a substituted one is rebuilt with the new range
 * (j ∈ k+1..l becomes j ∈ 3..l when k := 2), the same way everywhere, through `memo`.
 */
export function substIdx(a: Idx, s: IdxSubst, memo: Map<IndexVar, Idx> = new Map()): Idx {
  if (!a.terms.some(([v]) => touches(v, s))) return a;
  return idxLinear(a.terms.map(([v, k]) => [substVar(v, s, memo), k] as const), a.c);
}

function touches(v: IndexVar, s: IdxSubst): boolean {
  return s.has(v) || idxVars(v.lo).some((w) => touches(w, s)) || (v.hi !== undefined && idxVars(v.hi).some((w) => touches(w, s)));
}

export function substVar(v: IndexVar, s: IdxSubst, memo: Map<IndexVar, Idx> = new Map()): Idx {
  const direct = s.get(v);
  if (direct) return direct;
  let m = memo.get(v);
  if (!m) {
    m = touches(v, s) ? idxOf(indexVar(v.name, substIdx(v.lo, s, memo), v.hi && substIdx(v.hi, s, memo), v.bound)) : idxOf(v);
    memo.set(v, m);
  }
  return m;
}

/** e ≥ 0 for every admissible value of its variables (proved by substituting bounds; false when unsure). */
export function provablyNonNegative(e: Idx, depth = 8): boolean {
  if (isConstIdx(e)) return e.c >= 0;
  if (depth === 0) return false;
  for (const [v, k] of e.terms) {
    const bound = k > 0 ? v.lo : v.hi;
    if (!bound) continue;
    // e is monotone in v: at v's worst bound it is smallest
    const at = idxLinear([[e, 1], [idxOf(v), -k], [bound, k]]);
    if (provablyNonNegative(at, depth - 1)) return true;
  }
  return false;
}

export const provablyLE = (a: Idx, b: Idx): boolean => provablyNonNegative(idxSub(b, a));
export const provablyLT = (a: Idx, b: Idx): boolean => provablyNonNegative(idxPlus(idxSub(b, a), -1));
export const provablyDistinct = (a: Idx, b: Idx): boolean => provablyLT(a, b) || provablyLT(b, a);

/** Is i in lo..hi? true, false, or undefined when it cannot be decided. */
export function inRange(i: Idx, lo: Idx, hi: Idx): boolean | undefined {
  if (provablyLE(lo, i) && provablyLE(i, hi)) return true;
  if (provablyLT(i, lo) || provablyLT(hi, i)) return false;
  return undefined;
}

export function rangeText(v: IndexVar): string {
  return `${v.name} in ${v.lo.text}..${v.hi ? v.hi.text : ''}`;
}

// ── Indices in dimension names ────────────────────────────────────────────────────────────────────
// A dimension that follows an index, n_k, is the dimension symbol "n[k]"; substituting an index
// variable rewrites the text. Only names matter here (a product's bound variable is never shadowed).

interface NameAffine {
  c: number;
  terms: Map<string, number>;
}

function parseNameAffine(s: string): NameAffine {
  const out: NameAffine = { c: 0, terms: new Map() };
  const re = /([+-]?)(?:(\d+)\*)?([A-Za-z_]\w*)|([+-]?)(\d+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[3]) {
      const k = (m[1] === '-' ? -1 : 1) * (m[2] ? Number(m[2]) : 1);
      out.terms.set(m[3], (out.terms.get(m[3]) ?? 0) + k);
    } else out.c += (m[4] === '-' ? -1 : 1) * Number(m[5]);
  }
  return out;
}

const INDEXED_DIM = /^([A-Za-z][A-Za-z0-9_]*)\[(.*)\]$/;

/** "n[k-1]" → { base: "n", index: ["k-1"] }. */
export function splitIndexedName(s: string): { base: string; index: string[] } | undefined {
  const m = INDEXED_DIM.exec(s);
  return m ? { base: m[1], index: m[2].split(',') } : undefined;
}

/** Substitute index variables (by name) in a dimension symbol's text: n[k-1] with k := 3 is n[2]. */
export function substDimName(s: string, by: ReadonlyMap<string, Idx>): string {
  const parts = splitIndexedName(s);
  if (!parts) return s;
  const index = parts.index.map((t) => {
    const a = parseNameAffine(t);
    let c = a.c;
    const terms: [{ name: string }, number][] = [];
    const acc = new Map<string, number>();
    for (const [name, k] of a.terms) {
      const r = by.get(name);
      if (!r) acc.set(name, (acc.get(name) ?? 0) + k);
      else {
        c += k * r.c;
        for (const [v, kk] of r.terms) acc.set(v.name, (acc.get(v.name) ?? 0) + k * kk);
      }
    }
    for (const [name, k] of [...acc].sort(byTextOrder)) if (k !== 0) terms.push([{ name }, k]);
    return termText(c, terms);
  });
  return `${parts.base}[${index.join(',')}]`;
}

/** Does a dimension symbol's index mention the variable `name`? */
export function dimNameMentions(s: string, name: string): boolean {
  const parts = splitIndexedName(s);
  return !!parts && parts.index.some((t) => parseNameAffine(t).terms.has(name));
}
