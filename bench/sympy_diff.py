#!/usr/bin/python3
"""SymPy side of the matcalc benchmark.

Reads a JSON list of cases {"name", "f", "decl", "wrt": [...], "hessian"?} on stdin,
translates each matcalc (mathjs-syntax) expression into SymPy matrix expressions
(MatrixSymbols with symbolic dimensions), times SymPy's `f.diff(W)` and checks the
answer numerically against central finite differences of an independent numpy
evaluation of the same parsed expression.  Writes JSON to stdout.

Run with Debian's interpreter and packages (python3-sympy, python3-numpy):
    /usr/bin/python3 bench/sympy_diff.py < bench/sympy-cases.sample.json

Conventions of the check:
  * gradient in denominator layout: d f / d W has the shape of W;
  * Hessian ("hessian": true): every ordered pair (Wi, Wj) of wrt variables, the block
    f.diff(Wj).diff(Wi), whose axes SymPy orders as Wi.shape + Wj.shape:
    H[a,b,c,d] = d2f / dWi_ab dWj_cd (matcalc's blocks[i][j] = grad_vec(Wi) grad_vec(Wj) f);
    n x n for column vectors (the singleton axes dropped), p x q x r x s in general.  The
    reference is second central differences with Richardson steps, the step halved until two
    successive estimates agree; their difference (x10) is added to the tolerance, and a
    reference that does not settle makes the block uncheckable (null), not WRONG;
  * a point where the numpy f is not finite (log of a negative entry) is redrawn with positive
    entries, as matcalc's own check does ("domain" in the case record);
  * symmetric/spd inputs are perturbed entry by entry (unstructured gradient);
  * the generic elementwise function sigma is evaluated as atan (so dsigma = sigma' as 1/(1+x^2));
    lrelu(A, k) is translated as Max(x, k*x), exact for the slopes 0 <= k < 1 the battery uses;
  * a product dimension in a declaration ('C: p*m x q*n') is the product of its symbols, and a
    dimension name in an expression (0.5/n) is that dimension as a number;
  * "correct" = allclose(sympy, finite differences, rtol=1e-6, atol=1e-8*(1+max|fd|)),
    compared up to singleton axes (an (n,) array for an n x 1 W is correct but not shape_ok);
    null when SymPy's result cannot be evaluated (unevaluated Derivative, unreadable arrays).

Per case: supported/reason, cold_seconds (first call after clear_cache()), warm_seconds
(median of repeats), per derivative, averaged over the wrt variables (Hessian: blocks) that ran; correct,
shape_ok, result (str, 300 chars), result_chars, note, error (SymPy crash / --timeout), and
"derivatives" (per wrt variable) when there are several; in Hessian mode always, one per
block, labelled "Wi,Wj", each with its own timings, status, result, result_chars and
result_form ("matrix", "array" for SymPy's array expressions such as PermuteDims(
ArrayTensorProduct(...)), "derivative" for an unevaluated one, "scalar").  Two diagnostics beyond the brief:
when .diff() is wrong, the note says what Derivative(f, W).doit() gives instead; when
differentiating OneMatrix (used for sum()) crashes, "workaround" reruns with an opaque
constant MatrixSymbol in its place (the main verdict stays that of the faithful translation).
"""
import argparse, itertools, json, re, signal, statistics, sys, time, warnings

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

sys.setrecursionlimit(3000)  # SymPy recursion bugs should fail fast, not eat the C stack
np.seterr(all='ignore')  # log of a negative etc. is reported as 'not finite', no warnings
warnings.simplefilter('ignore')  # SymPy's deprecation chatter inside its own derivative code

RTOL = 1e-6
SIGMA = sp.Function('sigma')          # generic elementwise function in the SymPy expression
SIGMA_NUM = (np.arctan, sp.atan)      # ... and the concrete function used to check it


class Unsupported(Exception):
    """The input cannot be expressed as a SymPy matrix expression."""


class Timeout(BaseException):
    """Raised by SIGALRM; a BaseException so that SymPy's own `except Exception` cannot swallow it."""


def _alarm(signum, frame):
    raise Timeout('time limit exceeded (--timeout)')


# ---------------------------------------------------------------- parsing

TOKEN = re.compile(r"\s*(?:(\d*\.?\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(\.\*|\./|\.\^|[-+*/^(),'\"]))")


def tokenize(src):
    toks, pos, src = [], 0, src.rstrip()
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m:
            raise SyntaxError(f'bad character at {pos}: {src[pos:]!r}')
        num, ident, op = m.groups()
        pos = m.end()
        after_operand = bool(toks) and (toks[-1][0] in ('num', 'id') or toks[-1][1] in (')', "'"))
        if op in ("'", '"') and not (op == "'" and after_operand):
            end = src.index(op, pos)  # a quote not after an operand opens a string: 'fro'
            toks.append(('str', src[pos:end]))
            pos = end + 1
        else:
            toks.append(('num', num) if num else ('id', ident) if ident else ('op', op))
    return toks + [(None, None)]


class Parser:
    """Recursive descent, mathjs precedence: + - < * / .* ./ < unary - < ^ .^ (right) < postfix '.
    AST: ('num', s) ('str', s) ('var', name) ('neg', e) ('T', e) ('bin', op, l, r) ('call', f, args)."""

    def __init__(self, src):
        self.toks, self.i = tokenize(src), 0

    def take(self, val=None):
        tok = self.toks[self.i]
        if val is not None and tok[1] != val:
            raise SyntaxError(f'expected {val!r}, got {tok[1]!r}')
        self.i += 1
        return tok

    def at(self, *vals):
        return self.toks[self.i][0] == 'op' and self.toks[self.i][1] in vals

    def parse(self):
        e = self.expr()
        if self.toks[self.i][0] is not None:
            raise SyntaxError(f'unexpected {self.toks[self.i][1]!r}')
        return e

    def binary(self, ops, sub):
        e = sub()
        while self.at(*ops):
            e = ('bin', self.take()[1], e, sub())
        return e

    def expr(self):
        return self.binary(('+', '-'), lambda: self.binary(('*', '/', '.*', './'), self.unary))

    def unary(self):
        if self.at('-', '+'):
            neg = self.take()[1] == '-'
            e = self.unary()
            return ('neg', e) if neg else e
        e = self.postfix()
        if self.at('^', '.^'):  # -x^2 = -(x^2); the exponent may be signed: A^-1
            e = ('bin', self.take()[1], e, self.unary())
        return e

    def postfix(self):
        e = self.primary()
        while self.at("'"):
            self.take()
            e = ('T', e)
        return e

    def primary(self):
        kind, val = self.take()
        if kind in ('num', 'str'):
            return (kind, val)
        if kind == 'id' and self.at('('):
            self.take('(')
            args = [self.expr()]
            while self.at(','):
                self.take()
                args.append(self.expr())
            self.take(')')
            return ('call', val, args)
        if kind == 'id':
            return ('var', val)
        if val == '(':
            e = self.expr()
            self.take(')')
            return e
        raise SyntaxError(f'unexpected {val!r}')


def parse_decl(decl):
    """'W1, W2: h x d; x: n; a: scalar; S: n x n spd' -> {name: (dims, attrs)}; dims () for scalars."""
    out = {}
    for part in filter(None, (p.strip() for p in decl.split(';'))):
        names, spec = part.split(':', 1)
        words = spec.replace('×', ' x ').split()
        attrs = {w for w in words if w in ('symmetric', 'spd', 'invertible', 'positive')}
        dims = [w for w in words if w not in attrs and w != 'x']
        dims = [] if dims == ['scalar'] else dims + ['1'] if len(dims) == 1 else dims  # vector = column
        for name in names.split(','):
            out[name.strip()] = (tuple(dims), attrs)
    return out


BINOPS = {'+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '.*': 'emul', './': 'ediv', '^': 'pow', '.^': 'epow'}


def evaluate(node, B):
    """Evaluate an AST with a backend B (numpy values or SymPy expressions)."""
    kind, args = node[0], node[1:]
    if kind == 'str':
        return args[0]
    if kind == 'bin':
        return getattr(B, BINOPS[args[0]])(evaluate(args[1], B), evaluate(args[2], B))
    if kind == 'call':
        return B.call(args[0], [evaluate(a, B) for a in args[1]])
    if kind in ('neg', 'T'):
        return getattr(B, kind)(evaluate(args[0], B))
    return getattr(B, kind)(args[0])  # num, var


ELEMENTWISE = ('exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'softplus', 'abs', 'sqrt', 'sigma',
               'lrelu', 'dsigma')  # lrelu(A, k): max(x, k*x); dsigma(A): sigma', entrywise


def size_of(d, sizes):
    """Concrete size of a declared dimension: '3', 'n' or a product such as 'p*m'."""
    return int(np.prod([sizes[k] if k in sizes else int(k) for k in d.split('*')]))

# ---------------------------------------------------------------- numpy reference


class NumpyB:
    """Reference evaluator. Scalars are floats; a 1x1 result acts as a scalar in products."""
    FUN = dict(exp=np.exp, log=np.log, sin=np.sin, cos=np.cos, tanh=np.tanh, abs=np.abs, sqrt=np.sqrt,
               sigmoid=lambda t: 1 / (1 + np.exp(-t)), relu=lambda t: np.maximum(t, 0),
               softplus=lambda t: np.logaddexp(0, t), sigma=SIGMA_NUM[0],
               lrelu=lambda t, k: np.where(t > 0, t, k * t), dsigma=lambda t: 1 / (1 + t * t),  # atan'
               inv=lambda a: np.linalg.inv(a) if np.ndim(a) else 1 / a,
               det=lambda a: np.linalg.det(a) if np.ndim(a) else a,
               logdet=lambda a: np.log(np.linalg.det(a) if np.ndim(a) else a),
               tr=np.trace, sum=np.sum, kron=np.kron, inner=lambda a, b: np.sum(a * b),
               vec=lambda a: a.reshape(-1, 1, order='F'),  # column-major, as in the literature
               diag=lambda a: np.diagflat(a) if a.shape[1] == 1 else np.diag(a).reshape(-1, 1),
               norm=lambda a, kind='fro': np.sqrt(np.sum(a * a)))

    def __init__(self, env, sizes):
        self.env, self.sizes = env, sizes

    num = staticmethod(float)
    neg = staticmethod(lambda a: -a)
    T = staticmethod(np.transpose)
    add = staticmethod(lambda a, b: a + b)
    sub = staticmethod(lambda a, b: a - b)
    emul = staticmethod(lambda a, b: a * b)
    div = ediv = staticmethod(lambda a, b: a / b)
    epow = staticmethod(lambda a, b: a ** b)

    def var(self, name):
        if name in self.env:
            return self.env[name]
        return self.sizes.get(name, name)  # a bare name is a dimension: eye(n), 0.5/n

    def mul(self, a, b):
        if np.ndim(a) == 0 or np.ndim(b) == 0 or a.shape[1] != b.shape[0]:
            return a * b  # scalar (or 1x1) times matrix
        return a @ b

    def pow(self, a, b):
        if np.ndim(a) == 0 or a.shape == (1, 1):
            return a ** b
        if int(b) != b:
            raise Unsupported('non-integer matrix power')
        return np.linalg.matrix_power(a, int(b))

    def call(self, f, args):
        if f in ('eye', 'zeros', 'ones'):
            shape = [self.sizes[x] if isinstance(x, str) else int(x) for x in args]
            return np.eye(shape[0]) if f == 'eye' else (np.zeros if f == 'zeros' else np.ones)(shape)
        if f not in self.FUN:
            raise Unsupported(f'unknown function {f}')
        return self.FUN[f](*args)


# ---------------------------------------------------------------- SymPy translation


class SympyB:
    """Translate to SymPy matrix expressions. A 1x1 matrix becomes a scalar via Trace where needed."""

    def __init__(self, decl, ones_as_symbols=False):
        self.dims, self.notes, self.ones, self.ones_as_symbols = {}, set(), {}, ones_as_symbols
        self.syms = {name: sp.MatrixSymbol(name, *map(self.dim, dims)) if dims else sp.Symbol(name, real=True)
                     for name, (dims, _) in decl.items()}

    def dim(self, x):
        if str(x).isdigit():
            return sp.Integer(int(x))
        if '*' in str(x):  # product dimension from a declaration: 'C: p*m x q*n'
            return sp.Mul(*(self.dim(k) for k in str(x).split('*')))
        return self.dims.setdefault(x, sp.Symbol(x, integer=True, positive=True))

    ismat = staticmethod(lambda a: isinstance(a, sp.MatrixExpr))
    is1x1 = staticmethod(lambda a: isinstance(a, sp.MatrixExpr) and a.shape == (1, 1))
    bigmat = staticmethod(lambda a: isinstance(a, sp.MatrixExpr) and a.shape != (1, 1))
    num = staticmethod(lambda s: sp.Rational(s))  # exact: 0.5 -> 1/2
    neg = staticmethod(lambda a: -a)

    def var(self, name):
        return self.syms[name] if name in self.syms else self.dim(name)  # bare name: dimension

    def T(self, a):
        return a.T if self.ismat(a) else a

    def scalar(self, a):
        if self.bigmat(a):
            raise Unsupported(f'matrix of shape {a.shape} used as a scalar')
        return sp.Trace(a) if self.ismat(a) else a  # not M[0,0]: SymPy differentiates (x'Ax)[0,0] to 0

    def one_matrix(self, r, c):
        if not self.ones_as_symbols:
            return sp.OneMatrix(r, c)
        # workaround: an opaque constant matrix, replaced by ones when checking numerically
        return self.ones.setdefault((r, c), sp.MatrixSymbol(f'ones_{r}_{c}', r, c))

    def add(self, a, b, sign=1):
        if self.bigmat(a) and self.bigmat(b) or self.is1x1(a) and self.is1x1(b):
            return a + sign * b  # 1x1 + 1x1 stays a matrix, SymPy's natural form of x'Ax + ...
        if self.bigmat(a):  # matrix + scalar broadcasts, as in mathjs
            return a + sign * self.scalar(b) * self.one_matrix(*a.shape)
        if self.bigmat(b):
            return self.scalar(a) * self.one_matrix(*b.shape) + sign * b
        return self.scalar(a) + sign * self.scalar(b)

    def sub(self, a, b):
        return self.add(a, b, -1)

    def mul(self, a, b):
        if self.ismat(a) and self.ismat(b) and a.shape[1] != b.shape[0]:
            if not (self.is1x1(a) or self.is1x1(b)):
                raise Unsupported(f'shapes {a.shape} and {b.shape} do not conform')
            return self.scalar(a) * b if self.is1x1(a) else a * self.scalar(b)
        return a * b

    def div(self, a, b):
        return a * self.scalar(b) ** -1

    def emul(self, a, b):
        return sp.HadamardProduct(a, b) if self.ismat(a) and self.ismat(b) else a * b

    def ediv(self, a, b):
        return self.emul(a, sp.HadamardPower(b, -1)) if self.ismat(b) else a / b

    def epow(self, a, b):
        return sp.HadamardPower(a, self.scalar(b)) if self.ismat(a) else a ** self.scalar(b)

    def pow(self, a, b):
        return sp.MatPow(a, self.scalar(b)) if self.bigmat(a) else self.scalar(a) ** self.scalar(b)

    def elementwise(self, f, a, params=()):
        t = sp.Dummy('t', real=True)
        body = {'lrelu': lambda u: sp.Max(u, self.scalar(params[0]) * u),  # slope k < 1
                'dsigma': lambda u: sp.Subs(sp.Derivative(SIGMA(t), t), t, u) if u != t else sp.Derivative(SIGMA(t), t),
                'exp': sp.exp, 'log': sp.log, 'sin': sp.sin, 'cos': sp.cos, 'tanh': sp.tanh,
                'abs': sp.Abs, 'sqrt': sp.sqrt, 'sigma': SIGMA,
                'sigmoid': lambda u: 1 / (1 + sp.exp(-u)), 'relu': lambda u: sp.Max(0, u),
                'softplus': lambda u: sp.log(1 + sp.exp(u))}[f]
        if not self.bigmat(a):
            return body(self.scalar(a))
        return ElementwiseApplyFunction(sp.Lambda(t, body(t)), a)

    def call(self, f, args):
        a = args[0]
        if f in ELEMENTWISE:
            return self.elementwise(f, a, args[1:])
        if f in ('eye', 'zeros', 'ones'):
            shape = [self.dim(str(x)) for x in args]
            return (sp.Identity if f == 'eye' else sp.ZeroMatrix if f == 'zeros' else self.one_matrix)(*shape)
        if f == 'norm':
            if len(args) > 1 and args[1] != 'fro':
                raise Unsupported(f'norm(A, {args[1]!r})')
            if not self.bigmat(a):
                return sp.Abs(self.scalar(a))
            self.notes.add('norm(A) translated as sqrt(Trace(A.T*A)): SymPy has no Frobenius norm '
                           'of a MatrixSymbol; norm(A)^2 collapses to Trace(A.T*A)')
            return sp.sqrt(sp.Trace(a.T * a))
        if f == 'inner':
            return sp.Trace(a.T * args[1])
        if f == 'kron':
            return sp.KroneckerProduct(a, args[1])
        if not self.bigmat(a):  # functions of scalars
            s = self.scalar(a)
            simple = {'inv': 1 / s, 'det': s, 'logdet': sp.log(s), 'tr': s, 'sum': s, 'vec': s}
            if f in simple:
                return simple[f]
        one_arg = {'inv': sp.Inverse, 'det': sp.Determinant, 'tr': sp.Trace,
                   'logdet': lambda m: sp.log(sp.Determinant(m)),
                   'sum': lambda m: self.one_matrix(1, m.shape[0]) * m * self.one_matrix(m.shape[1], 1),
                   'diag': lambda m: sp.DiagMatrix(m) if m.shape[1] == 1 else sp.DiagonalOf(m)}
        if f in one_arg:
            return one_arg[f](a)
        if f == 'vec':
            raise Unsupported('SymPy has no vec() of a matrix expression (only array-level Reshape)')
        raise Unsupported(f'no SymPy translation for {f}()')


# ---------------------------------------------------------------- numerics


def random_env(decl, sizes, rng, positive=False):
    env = {}
    for name, (dims, attrs) in decl.items():
        if not dims:
            env[name] = float(rng.standard_normal())
            continue
        r, c = (size_of(d, sizes) for d in dims)
        m = rng.standard_normal((r, c))
        if 'symmetric' in attrs:
            m = (m + m.T) / 2
        if 'spd' in attrs:
            m = m @ m.T + r * np.eye(r)
        if 'invertible' in attrs:
            m = m + r * np.eye(r)
        if 'positive' in attrs or positive and not attrs & {'symmetric', 'spd'}:
            m = np.abs(m) + 0.5
        env[name] = m
    return env


def fd_reference(ast, env, sizes, w, hessian):
    """Central differences of the numpy f with one Richardson step (error O(h^4)).
    Gradient: shape of w, returns the array.  Hessian: w = (wi, wj), shape wi.shape + wj.shape,
    returns (array, estimated error): the step is halved until two successive Richardson
    estimates agree (rounding limits how far), and the last difference is the error estimate."""
    if not hessian:
        x0 = np.array(env[w], dtype=float)

        def f1(i, s):
            x = x0.copy()
            x[i] += s
            v = evaluate(ast, NumpyB({**env, w: x if x.ndim else float(x)}, sizes))
            return float(np.reshape(v, ()))

        def grad(h):
            return np.array([(f1(i, h) - f1(i, -h)) / (2 * h) for i in np.ndindex(x0.shape)]).reshape(x0.shape)

        return (4 * grad(5e-4) - grad(1e-3)) / 3
    wi, wj = w
    x0 = {v: np.array(env[v], dtype=float) for v in {wi, wj}}

    def f_at(steps):  # f with the (variable, index, step) perturbations
        x = {v: a.copy() for v, a in x0.items()}
        for v, idx, s in steps:
            x[v][idx] += s
        v = evaluate(ast, NumpyB({**env, **{k: a if a.ndim else float(a) for k, a in x.items()}}, sizes))
        return float(np.reshape(v, ()))

    def hess(h):
        H = [sum(si * sj * f_at([(wi, i, si * h), (wj, j, sj * h)]) for si in (1, -1) for sj in (1, -1))
             / (4 * h * h) for i in np.ndindex(x0[wi].shape) for j in np.ndindex(x0[wj].shape)]
        return np.array(H).reshape(x0[wi].shape + x0[wj].shape)

    D = [hess(1e-2)]
    best = None
    for k in range(1, 6):  # h = 1e-2 / 2^k, down to 3e-4 (rounding ~ eps |f| / h^2 stays below 1e-8 |f|)
        D.append(hess(1e-2 / 2 ** k))
        R = (4 * D[k] - D[k - 1]) / 3
        if k >= 2:
            err = np.max(np.abs(R - prev), initial=0)
            if best is None or err < best[1]:
                best = (R, err)
            if err <= 1e-9 * (1 + np.max(np.abs(R), initial=0)):
                break
        prev = R
    return best


def derivative_of_zero(res):
    """Derivative(0, W) (an ArrayDerivative of a ZeroMatrix): SymPy's first derivative was 0."""
    return isinstance(res, sp.Derivative) and (res.expr == 0 or isinstance(res.expr, sp.ZeroMatrix))


def sympy_to_numpy(res, tr, sizes, env):
    """Substitute concrete sizes and matrices into a SymPy result: (array, None) or (None, why)."""
    if derivative_of_zero(res):
        res = sp.Integer(0)  # Derivative(0, W): the derivative of a (wrong) zero gradient is zero
    if res.has(sp.Derivative) and not res.has(SIGMA):
        return None, 'SymPy left an unevaluated Derivative'
    res = res.replace(SIGMA, SIGMA_NUM[1])
    # evaluate sigma' inside elementwise Lambdas before numbers go in (d/d(0.38) is an error)
    res = res.replace(lambda e: isinstance(e, sp.Lambda), lambda e: sp.Lambda(e.variables, e.expr.doit()))
    if res.has(sp.Derivative):
        return None, 'SymPy left an unevaluated Derivative'
    dsub = {sym: sizes[name] for name, sym in tr.dims.items()}
    msub = {sym.subs(dsub) if tr.ismat(sym) else sym:
            sp.ImmutableMatrix(env[name]) if tr.ismat(sym) else sp.Float(env[name])
            for name, sym in tr.syms.items()}
    for sym in tr.ones.values():
        sym = sym.subs(dsub)
        msub[sym] = sp.ImmutableMatrix(np.ones(tuple(int(k) for k in sym.shape)))
    res = res.subs(dsub).subs(msub).doit()
    res = res.as_explicit() if hasattr(res, 'as_explicit') else res
    try:
        return np.array(res.tolist() if hasattr(res, 'tolist') else res, dtype=float), None
    except (TypeError, ValueError):
        return None, 'result does not evaluate to numbers: ' + str(res)[:120]


def check(res, tr, sizes, env, ref, hessian, fd_err=0.0):
    """(correct, shape_ok, note) for one SymPy derivative against the finite-difference reference
    (for a Hessian block, fd_err is the reference's estimated error)."""
    expected = ref.shape
    if hessian:  # a block of column vectors (or a vector and a matrix) without its singleton axes
        expected = tuple(n for k, n in enumerate(ref.shape) if not (n == 1 and k in (1, 3)))
    arr, why = sympy_to_numpy(res, tr, sizes, env)
    if arr is None:
        return None, None, why
    shape_ok = arr.shape in (expected, ref.shape) or (expected in ((), (1, 1)) and arr.size == 1)
    notes = [] if shape_ok else [f'result shape {arr.shape}, expected {expected}']
    atol = 1e-8 * (1 + np.max(np.abs(ref), initial=0)) + 10 * fd_err
    if fd_err > 1e-4 * (1 + np.max(np.abs(ref), initial=0)):
        return None, shape_ok, '; '.join(notes + [f'finite differences do not settle (error ~{fd_err:.2g})'])

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=atol)

    # values are compared up to singleton axes: an (n,) array for an n x 1 W can still be right
    a, r = np.squeeze(arr), np.squeeze(ref)
    if a.ndim == 0 and r.ndim > 0 and a == 0:
        a = np.zeros_like(r)  # a bare scalar 0 standing for a zero matrix
    if a.shape != r.shape and a.shape[::-1] != r.shape:
        if arr.ndim > 2 or hessian:
            what = 'the Hessian block' if hessian else 'a gradient'
            return None, shape_ok, '; '.join(notes + [f'array of shape {arr.shape}, not readable as {what}'])
        return False, shape_ok, '; '.join(notes + ['entries do not match the shape of the gradient'])
    if close(a, r):
        return True, shape_ok, '; '.join(notes)
    perms = [p for p in itertools.permutations(range(a.ndim)) if a.ndim > 2 and a.transpose(p).shape == r.shape]
    if a.ndim == 2 and close(a.T, r):
        notes.append('values are the TRANSPOSE of the true derivative')
    elif any(close(a.transpose(p), r) for p in perms):
        p = next(p for p in perms if close(a.transpose(p), r))
        notes.append(f'values are right with the axes permuted {p}')
    elif np.allclose(a, 0) and not np.allclose(r, 0, atol=atol):
        if derivative_of_zero(res):
            notes.append(f'SymPy returned {res} (its first derivative is already 0), the true Hessian is not zero')
        else:
            notes.append('SymPy returned zero, the true derivative is not zero')
    else:
        err = np.max(np.abs(a - r)) if a.shape == r.shape else float('nan')
        notes.append(f'max abs error {err:.3g} (max |fd| {np.max(np.abs(r)):.3g})')
    return False, shape_ok, '; '.join(notes)


# ---------------------------------------------------------------- driver


def timed(fn, limit):
    """(cold seconds, warm median seconds, result). Cold = first call after clearing SymPy's cache;
    warm = median of repeats (cache kept) until 0.2 s total or 50 repeats."""
    signal.alarm(limit)
    try:
        clear_cache()
        t0 = time.perf_counter()
        res = fn()
        cold, warm = time.perf_counter() - t0, []
        signal.alarm(limit)  # the warm repeats get their own time budget
        while sum(warm) < 0.2 and len(warm) < 50:
            t0 = time.perf_counter()
            fn()
            warm.append(time.perf_counter() - t0)
    finally:
        signal.alarm(0)
    return cold, statistics.median(warm), res


def result_form(res):
    """How SymPy's answer reads: a matrix expression, an array expression (PermuteDims, ...), an
    unevaluated derivative, a scalar."""
    if isinstance(res, sp.Derivative):
        return 'derivative'  # unevaluated (ArrayDerivative is one too)
    if isinstance(res, (sp.MatrixExpr, sp.MatrixBase)):
        return 'matrix'
    if isinstance(res, sp.NDimArray) or 'tensor.array' in type(res).__module__:
        return 'array'
    return 'scalar'


def tristate(values):
    return False if False in values else (None if None in values else True)


def errstr(e):
    return f'{type(e).__name__}: {str(e)[:200]}'


def check_guarded(res, tr, sizes, env, ref, hess, limit, fd_err=0.0):
    signal.alarm(limit)
    try:
        return check(res, tr, sizes, env, ref, hess, fd_err)
    except (Exception, Timeout) as e:
        return None, None, f'numeric check failed: {errstr(e)}'
    finally:
        signal.alarm(0)


def attempt(case, ast, decl, sizes, env, limit, ones_as_symbols):
    """Differentiate with SymPy, time and check each derivative; returns (case fields, exceptions)."""
    tr = SympyB(decl, ones_as_symbols)
    f = evaluate(ast, tr)
    wrt, hess = case['wrt'], bool(case.get('hessian'))
    if hess:  # every block H[Wi, Wj] = d/dWi (df/dWj), the axes of Wi first
        jobs = [((wi, wj), lambda Wi=tr.syms[wi], Wj=tr.syms[wj]: f.diff(Wj).diff(Wi)) for wi in wrt for wj in wrt]
    else:
        jobs = [(w, lambda W=tr.syms[w]: f.diff(W)) for w in wrt]
    ders, errors = [], []
    for w, fn in jobs:
        d = {'wrt': ','.join(w) if hess else w}
        ders.append(d)
        try:
            d['cold_seconds'], d['warm_seconds'], res = timed(fn, limit)
        except (Exception, Timeout) as e:  # a SymPy crash or time-out in one derivative
            errors.append(e)
            d.update(error=errstr(e), correct=None, shape_ok=None)
            continue
        d.update(result=str(res)[:300], result_chars=len(str(res)), result_form=result_form(res))
        try:
            ref, fd_err = fd_reference(ast, env, sizes, w, hess) if hess else (fd_reference(ast, env, sizes, w, hess), 0.0)
            assert np.all(np.isfinite(ref)), 'f is not finite near the test point'
        except Exception as e:
            d.update(correct=None, shape_ok=None, note=f'no numeric reference: {errstr(e)}')
            continue
        d['correct'], d['shape_ok'], d['note'] = check_guarded(res, tr, sizes, env, ref, hess, limit, fd_err)
        if d['correct'] is not True and not hess:
            # diagnostic: SymPy's other entry point sometimes differs from .diff()
            try:
                signal.alarm(limit)
                alt = sp.Derivative(f, tr.syms[w]).doit()
                ok = check_guarded(alt, tr, sizes, env, ref, hess, limit)[0]
                verdict = {True: 'correct', False: 'wrong too', None: 'not evaluable'}[ok]
                d['note'] += f'; Derivative(f, {w}).doit() is {verdict}: {str(alt)[:80]}'
            except (Exception, Timeout) as e:
                d['note'] += f'; Derivative(f, {w}).doit() fails: {errstr(e)}'
            finally:
                signal.alarm(0)
        d['note'] = d['note'].lstrip('; ')
        if not d['note']:
            del d['note']
    done = [d for d in ders if 'cold_seconds' in d]
    s = {'correct': tristate([d['correct'] for d in ders]), 'shape_ok': tristate([d['shape_ok'] for d in ders])}
    if done:  # timings are per derivative: mean over the wrt variables
        s.update(cold_seconds=statistics.fmean(d['cold_seconds'] for d in done),
                 warm_seconds=statistics.fmean(d['warm_seconds'] for d in done),
                 result='; '.join(f"{d['wrt']}: {d['result']}" for d in done)[:300],
                 result_chars=sum(d['result_chars'] for d in done))
    if errors:
        s['error'] = '; '.join(f"{d['wrt']}: {d['error']}" for d in ders if 'error' in d)
    notes = sorted(tr.notes) + [f"{d['wrt']}: {d['note']}" for d in ders if 'note' in d]
    if notes:
        s['note'] = '; '.join(notes)
    if len(ders) > 1 or hess:
        s['derivatives'] = ders
    return s, errors


def finite_at(ast, env, sizes):
    try:
        return bool(np.all(np.isfinite(evaluate(ast, NumpyB(env, sizes)))))
    except Exception:
        return True  # not a domain question: the reference will report it


def run_case(case, limit, seed):
    name = case.get('name', case.get('f'))
    try:
        ast, decl = Parser(case['f']).parse(), parse_decl(case['decl'])
        f0 = evaluate(ast, SympyB(decl))  # translation only: Unsupported surfaces here
        if isinstance(f0, sp.MatrixExpr) and f0.shape != (1, 1):
            raise Unsupported(f'f is not scalar-valued (shape {f0.shape})')
        missing = [w for w in case['wrt'] if w not in decl]
        if missing:
            raise Unsupported(f'wrt variable(s) {missing} not declared')
    except Unsupported as e:
        return {'name': name, 'supported': False, 'reason': str(e)}
    except Exception as e:
        return {'name': name, 'supported': False, 'reason': errstr(e)}
    # concrete sizes 2,3,4,... in order of first appearance of each dimension symbol
    sizes = {}
    for dims, _ in decl.values():
        for d in (k for dim in dims for k in dim.split('*')):
            if not d.isdigit() and d not in sizes:
                sizes[d] = len(sizes) + 2
    env = random_env(decl, sizes, np.random.default_rng(seed))
    rec = {'name': name, 'supported': True}
    if not finite_at(ast, env, sizes):  # outside the domain of log/sqrt: positive entries, as matcalc does
        env = random_env(decl, sizes, np.random.default_rng(seed), positive=True)
        rec['domain'] = 'f is not finite at a Gaussian point: positive entries used'

    fields, errors = attempt(case, ast, decl, sizes, env, limit, False)
    rec.update(fields)
    if any(isinstance(e, RecursionError) for e in errors) and f0.has(sp.OneMatrix):
        # SymPy 1.11 recurses forever differentiating OneMatrix; show what it does without it
        w, _ = attempt(case, ast, decl, sizes, env, limit, True)
        rec['workaround'] = {'how': 'OneMatrix replaced by an opaque constant MatrixSymbol', **w}
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--timeout', type=int, default=20, help='seconds per case and derivative')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    cases = json.load(sys.stdin)
    out = {'sympy_version': sp.__version__, 'numpy_version': np.__version__,
           'python': sys.version.split()[0], 'cases': []}
    for case in cases:
        try:
            out['cases'].append(run_case(case, args.timeout, args.seed))
        except (Exception, Timeout) as e:  # never let one case stop the others
            out['cases'].append({'name': case.get('name'), 'supported': True, 'error': errstr(e)})
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
