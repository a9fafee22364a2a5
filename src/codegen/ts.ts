// The TypeScript target: a dependency-free module over column-major Float64Array matrices
// ({ rows, cols, data }), with the run-time helpers it uses copied in (runtime-ts.ts). Operators'
// spellings are their `emit.ts` hooks.
import type { SymNode } from '../expr/ast.js';
import { dimKey, isOne } from '../expr/dim.js';
import { isScalarShape } from '../expr/shape.js';
import type { Language } from './emit.js';
import { type TargetModule, buildFunctions, directionName, identifier } from './module.js';
import { tsHelper, tsRuntime } from './runtime-ts.js';

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function ' +
    'if import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await as any boolean number string symbol type of undefined ' +
    'NaN Infinity Math Float64Array Matrix Inputs Gradient Directions Args SHAPES HVP_SHAPES value gradient hessian hvp vars directions')
    .split(' '),
);

const local = (raw: string) => {
  const name = identifier(raw);
  return RESERVED.has(name) || tsHelper(name) ? name + '_' : name;
};
/** a property name: quoted when it is not an identifier ('W[2]') */
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
/** an argument of a generated function: a symbol, or hvp's direction for one */
type Arg = Pick<SymNode, 'name' | 'shape'>;

const typeOf = (s: SymNode) => (isScalarShape(s.shape) ? 'number' : isOne(s.shape.cols) ? 'Matrix | Float64Array' : 'Matrix');

export const tsModule: TargetModule = (spec) => {
  const helpers = new Set<string>(['read']);
  const lang: Language = {
    target: 'ts',
    lib: '',
    assign: (name, code) => `const ${name} = ${code};`,
    comment: '//',
    num: (v) => String(v),
    dimSymbol: local,
    helper: (name) => {
      if (!tsHelper(name)) throw new Error(`internal: no TypeScript helper ${name}`);
      helpers.add(name);
      return name;
    },
  };
  const { functions: fns, skipped } = buildFunctions(spec, lang, local, (s, axis) => `${local(s.name)}.${axis === 0 ? 'rows' : 'cols'}`, (vs) =>
    `(${vs.map((v) => 'directions.' + v).join(', ')})`,
  );
  const params = spec.params;
  // hvp's directions: passed keyed by variable, read as dW (checked against the variable's declared shape)
  const directions = skipped === undefined ? spec.wrt.map((v) => ({ name: directionName(v), shape: v.shape })) : [];
  const field = (s: Arg, type: string) => `  readonly ${key(s.name)}: ${type};`;
  const destructure = (args: readonly Arg[]) => args.map((s) => (local(s.name) === s.name ? s.name : `${key(s.name)}: ${local(s.name)}`)).join(', ');
  const shape = (s: Arg) => `  ${key(s.name)}: [${isScalarShape(s.shape) ? '' : `'${dimKey(s.shape.rows)}', '${dimKey(s.shape.cols)}'`}],`;
  const valueType = isScalarShape(spec.f.shape) ? 'number' : 'Matrix';
  const out: string[] = [];
  out.push(...spec.header.map((l) => ('// ' + l).trimEnd()));
  if (skipped !== undefined) out.push('//', `// No hessian or hvp: ${skipped}`);
  out.push('');
  out.push('/** A column-major matrix: entry (i, j) is data[j * rows + i]; a vector x: n is n×1. */');
  out.push('export interface Matrix {', '  readonly rows: number;', '  readonly cols: number;', '  readonly data: Float64Array;', '}', '');
  out.push('/** The arguments: matrices, vectors (a Float64Array is taken as a column) and numbers for scalars. */');
  out.push('export interface Inputs {', ...params.map((s) => field(s, typeOf(s))), '}', '');
  out.push('/** ∇_X f for each variable, shaped like the variable (a number for a scalar variable). */');
  out.push('export interface Gradient {', ...spec.wrt.map((s) => field(s, isScalarShape(s.shape) ? 'number' : 'Matrix')), '}', '');
  if (directions.length) {
    out.push('/** The direction of a Hessian-vector product: one matrix per variable, shaped like it. */');
    out.push('export interface Directions {', ...spec.wrt.map((s) => field(s, typeOf(s))), '}', '');
  }
  out.push('interface Args {', ...[...params, ...directions].map((s) => field(s, isScalarShape(s.shape) ? 'number' : 'Matrix')), '}', '');
  out.push('// declared shapes: dimension names bind to the sizes of the arguments');
  out.push('const SHAPES: Record<string, readonly string[]> = {', ...params.map(shape), '};', '');
  if (directions.length) out.push('const HVP_SHAPES: Record<string, readonly string[]> = {', '  ...SHAPES,', ...directions.map(shape), '};', '');
  for (const fn of fns) {
    const ret = fn.kind === 'value' ? valueType : fn.kind === 'hessian' ? 'Matrix' : 'Gradient';
    out.push(`/** ${fn.doc} */`);
    if (fn.kind === 'hvp') {
      out.push(`export function hvp(vars: Inputs, directions: Directions): Gradient {`);
      const given = spec.wrt.map((v, i) => `${key(directions[i].name)}: directions[${JSON.stringify(v.name)}]`).join(', ');
      out.push(`  const { ${destructure([...params, ...directions])} } = read({ ...vars, ${given} } as unknown as Record<string, unknown>, HVP_SHAPES) as unknown as Args;`);
    } else {
      out.push(`export function ${fn.name}(vars: Inputs): ${ret} {`);
      out.push(`  const { ${destructure(params)} } = read(vars as unknown as Record<string, unknown>, SHAPES) as unknown as Args;`);
    }
    out.push(...fn.dims.map(([d, code]) => `  const ${local(d)} = ${code};`));
    out.push(...fn.body.statements.map((s) => '  ' + s));
    if (fn.kind === 'value') out.push(`  return ${fn.body.results[0]};`);
    else if (fn.kind === 'hessian') {
      const n = spec.wrt.length;
      out.push(`  return ${lang.helper('blocks')}([`);
      for (let i = 0; i < n; i++) out.push(`    [${fn.body.results.slice(i * n, i * n + n).join(', ')}],`);
      out.push('  ]);');
    } else {
      out.push('  return {');
      spec.wrt.forEach((v, i) => out.push(`    ${key(v.name)}: ${fn.body.results[i]},`));
      out.push('  };');
    }
    out.push('}', '');
  }
  out.push('// ── run-time helpers ──', '', tsRuntime(helpers));
  return out.join('\n').trimEnd() + '\n';
};
