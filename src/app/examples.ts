// The seeds' objectives, derived and checked by `npm start` (until `matcalc check` renders derivations/).
import type { DeriveInput } from './derive.js';

export interface Example extends DeriveInput {
  readonly title: string;
  readonly source: string;
}

export const EXAMPLES: readonly Example[] = [
  {
    title: 'Deep linear network, 3 layers',
    source: 'Zhou & Liang, eq. (1), (8)–(9); App. B (90)–(97)',
    expr: '0.5*norm(W3*W2*W1*X - Y)^2',
    decl: 'W1, W2, W3: d x d; X, Y: d x m',
    wrt: ['W1', 'W2', 'W3'],
    defs: ['e = W3*W2*W1*X - Y'],
  },
  {
    title: 'One-hidden-layer network',
    source: 'Zhou & Liang, eq. (6), (14)–(15)',
    expr: '0.5*norm(W2*sigma(W1*X) - Y)^2',
    decl: 'W1: h x d; W2: k x h; X: d x m; Y: k x m',
    wrt: ['W1', 'W2'],
    defs: ['e = W2*sigma(W1*X) - Y'],
  },
  {
    title: 'Regularised shallow linear network',
    source: 'Zhu, Soudry, Eldar & Wakin, eq. (2)–(3), (19)–(20)',
    expr: "0.5*norm(W2*W1*X - Y)^2 + mu/4*norm(W2'*W2 - W1*X*X'*W1')^2",
    decl: 'W1: d1 x d0; W2: d2 x d1; X: d0 x N; Y: d2 x N; mu: scalar',
    wrt: ['W1', 'W2'],
  },
  {
    title: 'Asymmetric matrix factorisation',
    source: 'Du, Hu & Lee, eq. (1)–(2)',
    expr: "0.5*norm(U*V' - M)^2",
    decl: 'U: d1 x r; V: d2 x r; M: d1 x d2',
    wrt: ['U', 'V'],
  },
  {
    title: 'Matrix factorisation with the balancing regulariser',
    source: 'Du, Hu & Lee, eq. (3)',
    expr: "0.5*norm(U*V' - M)^2 + 1/8*norm(U'*U - V'*V)^2",
    decl: 'U: d1 x r; V: d2 x r; M: d1 x d2',
    wrt: ['U', 'V'],
  },
  {
    title: 'Rank-one PCA',
    source: 'Ma, eq. (4.1)–(4.2)',
    expr: "0.5*norm(M - x*x')^2",
    decl: 'M: d x d symmetric; x: d',
    wrt: ['x'],
  },
  {
    title: 'Generalised linear model, empirical risk',
    source: 'Ma, §3',
    expr: '0.5/n*norm(y - sigma(A*w))^2',
    decl: 'A: n x d; w: d; y: n',
    wrt: ['w'],
  },
  {
    title: 'Log-determinant of a positive definite matrix',
    source: 'Matrix Cookbook eq. (57); the case SymPy gets wrong',
    expr: 'logdet(P)',
    decl: 'P: n x n spd',
    wrt: ['P'],
  },
];
