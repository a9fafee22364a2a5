// Symbolic dimensions: a positive integer coefficient times a product of dimension symbols,
// e.g. `d`, `3`, `m*n` (what vec and kron produce). Kept canonical so equality is string equality.

export interface Dim {
  readonly coef: number;
  /** sorted symbol names, repeated for powers: m*m*n */
  readonly syms: readonly string[];
}

export const ONE: Dim = Object.freeze({ coef: 1, syms: [] });

export function dimSym(name: string): Dim {
  return Object.freeze({ coef: 1, syms: [name] });
}

export function dimNum(n: number): Dim {
  return n === 1 ? ONE : Object.freeze({ coef: n, syms: [] });
}

export function dimMul(a: Dim, b: Dim): Dim {
  if (a.coef === 1 && a.syms.length === 0) return b;
  if (b.coef === 1 && b.syms.length === 0) return a;
  return Object.freeze({ coef: a.coef * b.coef, syms: [...a.syms, ...b.syms].sort() });
}

export function dimEq(a: Dim, b: Dim): boolean {
  return dimKey(a) === dimKey(b);
}

export function isOne(a: Dim): boolean {
  return a.coef === 1 && a.syms.length === 0;
}

export function dimKey(a: Dim): string {
  if (a.syms.length === 0) return String(a.coef);
  return (a.coef === 1 ? '' : a.coef + '*') + a.syms.join('*');
}

/** Human-readable: `m·n`, `3·d`. */
export function dimText(a: Dim): string {
  return dimKey(a).replace(/\*/g, '·');
}

export function dimLatex(a: Dim): string {
  if (a.syms.length === 0) return String(a.coef);
  const body = a.syms.map(latexDimSymbol).join('');
  return (a.coef === 1 ? '' : String(a.coef)) + body;
}

function latexDimSymbol(s: string): string {
  const ix = /^([A-Za-z][A-Za-z0-9_]*)\[(.*)\]$/.exec(s);
  if (ix) return `${ix[1]}_{${ix[2].replace(/(\d)\*/g, '$1')}}`;
  const m = /^([A-Za-z]+)_?(\d+)$/.exec(s);
  return m ? `${m[1]}_{${m[2]}}` : s;
}

export function dimValue(a: Dim, sizes: ReadonlyMap<string, number>): number {
  let v = a.coef;
  for (const s of a.syms) {
    const n = sizes.get(s);
    if (n === undefined) throw new Error(`no size for dimension ${s}`);
    v *= n;
  }
  return v;
}
