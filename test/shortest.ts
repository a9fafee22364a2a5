// Short forms written by hand for battery results that matcalc prints longer, so that the bench's
// "shortest equivalent form" is not only what a larger search finds (bench/printed.ts takes the shortest
// of the three). Each is checked numerically equal to the engine's result in test/author.test.ts.
// `forms` follow the results: one per --wrt variable for a gradient, the Hessian blocks row by row.
export interface ShortForm {
  readonly kind: 'gradient' | 'hessian';
  /** the case's name in test/battery.ts or test/hessians.ts */
  readonly name: string;
  readonly forms: readonly string[];
}

export const SHORT_FORMS: readonly ShortForm[] = [
  // the quotient rule with the common denominator outside
  { kind: 'gradient', name: "x' A x / x' x (Rayleigh)", forms: ["2*(A*x - (x'*A*x)*x/(x'*x))/(x'*x)"] },
  { kind: 'gradient', name: 'quotient', forms: ["2*(X - norm(X)^2*B*X/tr(X'*B*X))/tr(X'*B*X)"] },
  // b'diag(x)A diag(x)b = (b∘x)'A(b∘x): the gradient through the Hadamard product, not through diag
  { kind: 'gradient', name: 'diag(x) quadratic', forms: ["b .* ((A + A')*(b .* x))"] },
  // the residual written once, transposed as a whole: Xᵀ·W1ᵀ·W2ᵀ − Yᵀ = (W2W1X − Y)ᵀ
  {
    kind: 'hessian',
    name: 'two-layer linear, both layers',
    forms: [
      "kron(X*X', W2'*W2)",
      "commutation(d, h)*kron(eye(h), X*(W2*W1*X - Y)') + kron(X*X'*W1', W2')",
      "commutation(h, k)*kron((W2*W1*X - Y)*X', eye(h)) + kron(W1*X*X', W2)",
      "kron(W1*X*X'*W1', eye(k))",
    ],
  },
  {
    kind: 'hessian',
    name: 'three-layer linear, general point',
    forms: [
      "kron(X*X', W2'*W3'*W3*W2)",
      "commutation(d, d)*kron(eye(d), X*(W3*W2*W1*X - Y)'*W3) + kron(X*X'*W1', W2'*W3'*W3)",
      "commutation(d, d)*kron(W2', X*(W3*W2*W1*X - Y)') + kron(X*X'*W1'*W2', W2'*W3')",
      "commutation(d, d)*kron(W3'*(W3*W2*W1*X - Y)*X', eye(d)) + kron(W1*X*X', W3'*W3*W2)",
      "kron(W1*X*X'*W1', W3'*W3)",
      "commutation(d, d)*kron(eye(d), W1*X*(W3*W2*W1*X - Y)') + kron(W1*X*X'*W1'*W2', W3')",
      "commutation(d, d)*kron((W3*W2*W1*X - Y)*X', W2) + kron(W2*W1*X*X', W3*W2)",
      "commutation(d, d)*kron((W3*W2*W1*X - Y)*X'*W1', eye(d)) + kron(W2*W1*X*X'*W1', W3)",
      "kron(W2*W1*X*X'*W1'*W2', eye(d))",
    ],
  },
  // a common scalar factor of two terms of opposite sign
  { kind: 'hessian', name: 'det(X)', forms: ["det(X)*(vec(inv(X'))*vec(inv(X'))' - commutation(n, n)*kron(inv(X'), inv(X)))"] },
  // 2/(xᵀx)·(A − ρI − 2(Axxᵀ + xxᵀA)/(xᵀx) + 4ρxxᵀ/(xᵀx)), ρ = xᵀAx/xᵀx, without a name for ρ
  { kind: 'hessian', name: 'Rayleigh quotient', forms: ["2*(A - (x'*A*x)*eye(n)/(x'*x) - 2*(A*x*x' + x*x'*A)/(x'*x) + 4*(x'*A*x)*x*x'/(x'*x)^2)/(x'*x)"] },
  { kind: 'hessian', name: 'Zhu et al. regularised loss', forms: [
    "mu*(commutation(d0, d1)*kron(W1*X*X', X*X'*W1') + kron(X*X'*W1'*W1*X*X', eye(d1))) + kron(X*X', mu*W1*X*X'*W1' + (1 - mu)*W2'*W2)",
    "commutation(d0, d1)*kron(eye(d1), X*((1 - mu)*W2*W1*X - Y)') + (1 - mu)*kron(X*X'*W1', W2')",
    "commutation(d1, d2)*kron(((1 - mu)*W2*W1*X - Y)*X', eye(d1)) + (1 - mu)*kron(W1*X*X', W2)",
    "kron(mu*W2'*W2 + (1 - mu)*W1*X*X'*W1', eye(d2)) + mu*(commutation(d1, d2)*kron(W2, W2') + kron(eye(d1), W2*W2'))",
  ] },
];
