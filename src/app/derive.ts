// The derive pipeline: parse, differentiate, simplify, name, check. The CLI and the examples use it.
import { Expr, SymNode } from '../expr/ast.js';
import { InputError } from '../expr/errors.js';
import { isScalarShape, shapeText } from '../expr/shape.js';
import { toText } from '../render/print.js';
import { parseDeclarations, type Declarations } from '../lang/decl.js';
import { parseDefinition, parseExpression } from '../lang/parse.js';
import { deriveGradients, deriveJacobians, type Derivative } from '../calculus/derive.js';
import { nameSubexpressions, type Named } from '../rewrite/present.js';
import { checkDerivative, type Verdict } from '../check/derivative.js';

export interface DeriveInput {
  readonly expr: string;
  readonly decl: string;
  readonly wrt?: readonly string[];
  readonly defs?: readonly string[];
  /** ∇_{vec X} vec F for a matrix-valued F */
  readonly jacobian?: boolean;
  readonly check?: boolean;
  readonly seed?: number;
  readonly points?: number;
}

export interface DerivedResult extends Derivative {
  /** the value with repeated subexpressions replaced by their names */
  readonly display: Expr;
  readonly cookbookDisplay?: Expr;
}

export interface DeriveOutput {
  readonly input: DeriveInput;
  readonly decls: Declarations;
  readonly f: Expr;
  readonly kind: 'gradient' | 'vec-jacobian';
  readonly wrt: readonly SymNode[];
  readonly results: readonly DerivedResult[];
  readonly named: readonly Named[];
  readonly verdict?: Verdict;
}

export function parseWrt(names: readonly string[], decls: Declarations): SymNode[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    const n = raw.trim();
    const s = decls.symbols.get(n);
    if (!s) throw new InputError(`--wrt ${n}: not a declared symbol (declared: ${[...decls.symbols.keys()].join(', ')})`);
    if (seen.has(n)) throw new InputError(`--wrt ${n}: named twice`);
    seen.add(n);
    return s;
  });
}

/** Declarations and definitions (`e = W2*W1*X - Y`, each may use the ones before it): what names mean. */
export function parseScope(decl: string, definitions: readonly string[] = []): { decls: Declarations; defs: Map<string, Expr> } {
  const decls = parseDeclarations(decl);
  const defs = new Map<string, Expr>();
  for (const d of definitions) {
    const [name, value] = parseDefinition(d, { decls, defs });
    defs.set(name, value);
  }
  return { decls, defs };
}

export function runDerive(input: DeriveInput): DeriveOutput {
  const { decls, defs } = parseScope(input.decl, input.defs);
  const f = parseExpression(input.expr, { decls, defs }, 'expression');
  const wrt = input.wrt?.length
    ? parseWrt(input.wrt, decls)
    : [...decls.symbols.values()].filter((s) => f.vars.has(s.name) && !isScalarShape(s.shape));
  const jacobian = input.jacobian ?? false;
  if (!jacobian && !isScalarShape(f.shape))
    throw new InputError(`a gradient needs a scalar function, but f = ${toText(f)} is ${shapeText(f.shape)}; for ∇_{vec X} vec F use --jacobian`);
  const derived = jacobian ? deriveJacobians(f, wrt) : deriveGradients(f, wrt);
  const roots = derived.flatMap((d) => (d.cookbook ? [d.value, d.cookbook] : [d.value]));
  const taken = new Set([...decls.symbols.keys(), ...decls.dims]);
  const { results: shown, named } = nameSubexpressions(roots, defs, taken);
  let k = 0;
  const results: DerivedResult[] = derived.map((d) => ({
    ...d,
    display: shown[k++],
    ...(d.cookbook ? { cookbookDisplay: shown[k++] } : {}),
  }));
  const verdict =
    input.check === false
      ? undefined
      : checkDerivative(
          {
            f,
            vars: wrt,
            claims: new Map(derived.map((d) => [d.variable.name, d.value])),
            kind: jacobian ? 'vec-jacobian' : 'gradient',
            symbols: [...decls.symbols.values()],
            dims: decls.dims,
          },
          { seed: input.seed, points: input.points },
        );
  return { input, decls, f, kind: jacobian ? 'vec-jacobian' : 'gradient', wrt, results, named, verdict };
}

