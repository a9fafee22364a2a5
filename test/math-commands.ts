// A use of each command of MATH_COMMANDS, for the tests that compile them all (pdflatex, KaTeX).
const USE: Record<string, string> = {
  frac: '\\frac{a}{b}', dfrac: '\\dfrac{a}{b}', tfrac: '\\tfrac{a}{b}', sqrt: '\\sqrt{a}', stackrel: '\\stackrel{(i)}{=}',
  left: '\\left( a \\right)', right: '\\left( a \\right)', bigl: '\\bigl( a \\bigr)', bigr: '\\bigl( a \\bigr)', Bigl: '\\Bigl( a \\Bigr)', Bigr: '\\Bigl( a \\Bigr)',
  not: 'a \\not\\le b', displaystyle: '{\\displaystyle a}',
};
const ARG = new Set(['boldsymbol', 'mathrm', 'mathbb', 'mathbf', 'operatorname', 'mathcal', 'hat', 'tilde', 'bar', 'widehat', 'widetilde', 'overline', 'underline']);

export function mathCommandUse(c: string): string {
  return USE[c] ?? (ARG.has(c) ? `\\${c}{A}` : `a \\${c} b`);
}
