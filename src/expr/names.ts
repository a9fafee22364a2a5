// How symbol names print. `W2` → W_2, `mu` → μ, matrices and vectors bold (the papers' notation).
import type { SymNode } from './ast.js';
import { isScalarShape } from './shape.js';

export const GREEK: ReadonlySet<string> = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda',
  'mu', 'nu', 'xi', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega',
  'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega',
]);

/** Split `W12` into W and 12, `W_k` into W and k, `Wstar` stays whole. */
function splitName(name: string): { base: string; sub?: string } {
  const u = /^([A-Za-z]+)_([A-Za-z0-9]+)$/.exec(name);
  if (u) return { base: u[1], sub: u[2] };
  const d = /^([A-Za-z]+?)(\d+)$/.exec(name);
  if (d) return { base: d[1], sub: d[2] };
  return { base: name };
}

/** Escape characters that are special in LaTeX; names are identifiers, but never trust input. */
export function latexEscapeText(s: string): string {
  return s.replace(/[\\{}$&#^_%~]/g, (c) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' })[c] ?? '\\' + c);
}

export function latexIdent(name: string, bold: boolean): string {
  const { base, sub } = splitName(name);
  let b: string;
  // a letter with an accent spelled out, as papers name a function and its restriction: fbar → f̄, Lhat → L̂
  const accent = /^([A-Za-z]|[A-Za-z][a-z]+)(bar|hat|tilde)$/.exec(base);
  if (accent && (accent[1].length === 1 || GREEK.has(accent[1]))) b = `\\${accent[2]}{${accent[1].length > 1 ? '\\' : ''}${accent[1]}}`;
  else if (GREEK.has(base)) b = '\\' + base;
  else if (/^[A-Za-z]$/.test(base)) b = base;
  else b = `\\mathrm{${latexEscapeText(base)}}`;
  if (bold) b = `\\boldsymbol{${b}}`;
  return sub === undefined ? b : `${b}_{${sub.length > 1 && !/^\d+$/.test(sub) ? primed(latexEscapeText(sub), /^[a-z0-9]+$/.test(sub)) : sub}}`;
}

/**
 * Differentials print as dX in derivations; as directions Δ (Zhu et al.'s Δ₁, Δ₂ for W1, W2) in
 * Hessian forms.
 */
export type DeltaStyle = 'd' | 'Delta';

/**
 * Related index variables are primed, as the papers write them: an index named k2 (a letter and a digit
 * from 2 to 9) prints as k′, k3 as k″. Applies to index expressions ("k2+1") and, with `packed`, to the
 * subscript of a name written with an underscore (Q_k2q2 → Q_{k′q′}).
 */
export function primed(t: string, packed = false): string {
  return t.replace(packed ? /([a-z])([2-9])/g : /\b([a-z])([2-9])\b/g, (_m, v: string, n: string) => v + "'".repeat(Number(n) - 1));
}

/** The subscript of a member: W_{k+1}, A_{kq}, A_{k(q-1)} (compound indices in parentheses when there are several). */
export function memberSubscript(index: readonly { text: string }[]): string {
  const t = index.map((i) => primed(i.text.replace(/(\d)\*/g, '$1')));
  return t.length === 1 ? t[0] : t.map((x) => (/^([A-Za-z]'*|\d+)$/.test(x) ? x : `(${x})`)).join('');
}

export function symLatex(s: SymNode, delta: DeltaStyle = 'd'): string {
  const bold = !isScalarShape(s.shape);
  if (s.member) {
    const sub = memberSubscript(s.member.index);
    if (s.delta && delta === 'Delta') return `${bold ? '\\boldsymbol{\\Delta}' : '\\Delta'}_{${sub}}`;
    const body = `${latexIdent(s.member.family, bold)}_{${sub}}`;
    return s.delta ? `\\mathrm{d}${body}` : body;
  }
  if (s.delta && delta === 'Delta') {
    const { sub } = splitName(s.name);
    const D = bold ? '\\boldsymbol{\\Delta}' : '\\Delta';
    return `${D}_{${sub ?? latexIdent(s.name, bold)}}`;
  }
  const body = latexIdent(s.name, bold);
  return s.delta ? `\\mathrm{d}${body}` : body;
}

export function symText(s: SymNode): string {
  return s.delta ? `d${s.name}` : s.name;
}

/** Numbers as people write them: 0.5 → 1/2 where exact. */
export function niceFraction(v: number): { num: number; den: number } | undefined {
  for (const den of [2, 3, 4, 5, 6, 8, 10, 12, 16]) {
    const n = v * den;
    if (Math.abs(n - Math.round(n)) < 1e-12 && Math.round(n) !== 0 && !Number.isInteger(v)) return { num: Math.round(n), den };
  }
  return undefined;
}

export function numberText(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const f = niceFraction(v);
  if (f) return `${f.num}/${f.den}`;
  return String(v);
}

export function numberLatex(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const f = niceFraction(v);
  if (f) return `${f.num < 0 ? '-' : ''}\\frac{${Math.abs(f.num)}}{${f.den}}`;
  return String(v);
}
