// The TypeScript target: a dependency-free module over column-major Float64Array matrices
// ({ rows, cols, data }), with the run-time helpers it uses copied in (runtime-ts.ts). Operators'
// spellings are their `emit.ts` hooks.
import type { SymNode } from '../expr/ast.js';
import { dimKey, isOne } from '../expr/dim.js';
import { isScalarShape } from '../expr/shape.js';
import type { Language } from './emit.js';
import { type TargetModule, buildFunctions } from './module.js';
import { TS_HELPERS, tsRuntime } from './runtime-ts.js';

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function ' +
    'if import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await as any boolean number string symbol type of undefined ' +
    'NaN Infinity Math Float64Array Matrix Inputs Gradient Args SHAPES value gradient hessian vars')
    .split(' '),
);

const local = (name: string) => (RESERVED.has(name) || name in TS_HELPERS ? name + '_' : name);
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
      if (!TS_HELPERS[name]) throw new Error(`internal: no TypeScript helper ${name}`);
      helpers.add(name);
      return name;
    },
  };
  const fns = buildFunctions(spec, lang, local, (s, axis) => `${local(s.name)}.${axis === 0 ? 'rows' : 'cols'}`);
  const params = spec.params;
  const field = (s: SymNode, type: string) => `  readonly ${s.name}: ${type};`;
  const destructure = params.map((s) => (local(s.name) === s.name ? s.name : `${s.name}: ${local(s.name)}`)).join(', ');
  const valueType = isScalarShape(spec.f.shape) ? 'number' : 'Matrix';
  const out: string[] = [];
  out.push(...spec.header.map((l) => ('// ' + l).trimEnd()), '');
  out.push('/** A column-major matrix: entry (i, j) is data[j * rows + i]; a vector x: n is n×1. */');
  out.push('export interface Matrix {', '  readonly rows: number;', '  readonly cols: number;', '  readonly data: Float64Array;', '}', '');
  out.push('/** The arguments: matrices, vectors (a Float64Array is taken as a column) and numbers for scalars. */');
  out.push('export interface Inputs {', ...params.map((s) => field(s, typeOf(s))), '}', '');
  out.push('/** ∇_X f for each variable, shaped like the variable (a number for a scalar variable). */');
  out.push('export interface Gradient {', ...spec.wrt.map((s) => field(s, isScalarShape(s.shape) ? 'number' : 'Matrix')), '}', '');
  out.push('interface Args {', ...params.map((s) => field(s, isScalarShape(s.shape) ? 'number' : 'Matrix')), '}', '');
  out.push('// declared shapes: dimension names bind to the sizes of the arguments');
  out.push('const SHAPES: Record<string, readonly string[]> = {');
  out.push(...params.map((s) => `  ${s.name}: [${isScalarShape(s.shape) ? '' : `'${dimKey(s.shape.rows)}', '${dimKey(s.shape.cols)}'`}],`), '};', '');
  for (const fn of fns) {
    const ret = fn.kind === 'value' ? valueType : 'Gradient';
    out.push(`/** ${fn.doc} */`, `export function ${fn.name}(vars: Inputs): ${ret} {`);
    out.push(`  const { ${destructure} } = read(vars as unknown as Record<string, unknown>, SHAPES) as unknown as Args;`);
    out.push(...fn.dims.map(([d, code]) => `  const ${local(d)} = ${code};`));
    out.push(...fn.body.statements.map((s) => '  ' + s));
    if (fn.kind === 'value') out.push(`  return ${fn.body.results[0]};`);
    else {
      out.push('  return {');
      spec.wrt.forEach((v, i) => out.push(`    ${v.name}: ${fn.body.results[i]},`));
      out.push('  };');
    }
    out.push('}', '');
  }
  out.push('// ── run-time helpers ──', '', tsRuntime(helpers));
  return out.join('\n').trimEnd() + '\n';
};
