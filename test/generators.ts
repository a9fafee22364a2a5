// Random well-typed expressions as input-language text, from a grammar indexed by shape, with
// non-polynomial functions so that quadratics cannot hide step-size problems. Shared by the property
// tests (engine = finite differences; compiled evaluator = tree evaluator).
import fc from 'fast-check';

export const DECL = 'X: m x n; A: m x m; B: n x n; C: n x m; D: m x n; S: m x m spd; x: n; a: scalar';

export type Shape = 'mn' | 'mm' | 'nn' | 'nm';
const transposeOf: Record<Shape, Shape> = { mn: 'nm', nm: 'mn', mm: 'mm', nn: 'nn' };

const leaves: Record<Shape, string[]> = {
  mn: ['X', 'D'],
  mm: ['A', 'S', 'eye(m)'],
  nn: ['B', 'eye(n)'],
  nm: ['C', "X'"],
};

const entrywise = ['tanh', 'sin', 'sigmoid', 'sigma', 'softplus', 'cos'];

export function matrix(shape: Shape, depth: number): fc.Arbitrary<string> {
  const leaf = fc.constantFrom(...leaves[shape]);
  if (depth <= 0) return leaf;
  const sub = (s: Shape) => matrix(s, depth - 1);
  const [r, c] = [shape[0], shape[1]] as const;
  const options: fc.Arbitrary<string>[] = [
    leaf,
    fc.tuple(sub(shape), sub(shape)).map(([p, q]) => `(${p} + ${q})`),
    fc.tuple(sub(shape), sub(shape)).map(([p, q]) => `(${p} - ${q})`),
    fc.tuple(sub(shape), sub(shape)).map(([p, q]) => `(${p} .* ${q})`),
    fc.tuple(fc.constantFrom(...entrywise), sub(shape)).map(([f, p]) => `${f}(${p})`),
    fc.tuple(fc.constantFrom('0.5', '-2', '3', 'a'), sub(shape)).map(([k, p]) => `(${k}*${p})`),
    sub(transposeOf[shape]).map((p) => `(${p})'`),
    // products through the other dimension: (r×k)(k×c)
    fc.tuple(sub(`${r}m` as Shape), sub(`m${c}` as Shape)).map(([p, q]) => `(${p}*${q})`),
    fc.tuple(sub(`${r}n` as Shape), sub(`n${c}` as Shape)).map(([p, q]) => `(${p}*${q})`),
  ];
  if (r === c) options.push(sub(shape).map((p) => `inv(eye(${r}) + (${p})*(${p})')`));
  return fc.oneof(...options);
}

export function scalar(depth: number): fc.Arbitrary<string> {
  const M = matrix('mn', depth), Q = matrix('mm', depth), N = matrix('nn', depth);
  return fc.oneof(
    M.map((p) => `0.5*norm(${p})^2`),
    Q.map((p) => `tr(${p})`),
    fc.tuple(M, M).map(([p, q]) => `sum(${p} .* ${q})`),
    N.map((p) => `x'*${p}*x`),
    Q.map((p) => `logdet(eye(m) + (${p})*(${p})')`),
    M.map((p) => `sum(tanh(${p}))`),
    fc.tuple(Q, M).map(([p, q]) => `inner(${p}*${q}, D)`),
  );
}
