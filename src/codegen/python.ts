// The Python targets (numpy.ts, torch.ts) share the module layout: a header, the declared shapes, a
// small input helper, then `value`, `gradient`, `hessian` and `hvp`. Only the array library differs.
import { operatorHelper } from '../ops/registry.js';
import type { SymNode } from '../expr/ast.js';
import { dimKey } from '../expr/dim.js';
import { isScalarShape } from '../expr/shape.js';
import type { Target } from '../ops/registry.js';
import type { Language } from './emit.js';
import { type ModuleSpec, type TargetModule, buildFunctions, directionName, identifier } from './module.js';

const KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global ' +
    'if import in is lambda nonlocal not or pass raise return try while with yield np torch float vars value gradient hessian hvp')
    .split(' '),
);

export interface Flavour {
  readonly target: Target;
  readonly lib: 'np' | 'torch';
  readonly import: string;
  /** the argument as a float64 array */
  readonly asarray: (x: string) => string;
  /** number of entries of an array */
  readonly count: (x: string) => string;
  /** what `value` returns for a scalar function */
  readonly scalar: (x: string) => string;
  /** the full Hessian from the rows of its blocks (a scalar block is 1 x 1) */
  readonly blocks: string;
  /** helpers the operators may ask for (ctx.helper), by name, defined as `_name` */
  readonly helpers: Readonly<Record<string, string>>;
}

const inputs = (f: Flavour) => `def _inputs(vars, names):
    """The arguments as float64 arrays (vectors as columns), checked against the declared shapes."""
    missing = [n for n in names if n not in vars]
    if missing:
        raise TypeError('missing argument(s): ' + ', '.join(missing))
    values, dims = [], {}
    for name in names:
        spec = _SHAPES[name]
        a = ${f.asarray('vars[name]')}
        if not spec:
            if ${f.count('a')} != 1:
                raise ValueError(f'{name} is declared scalar but has shape {tuple(a.shape)}')
            a = a.reshape(())
        elif a.ndim == 1 and spec[1] == '1':
            a = a.reshape(-1, 1)
        if a.ndim != len(spec):
            raise ValueError(f'{name} must be {len(spec)}-D of shape {spec}, got shape {tuple(a.shape)}')
        for d, n in zip(spec, a.shape):
            if d.isidentifier():
                dims.setdefault(d, int(n))
        values.append(a)
    for name, a in zip(names, values):
        want = tuple(_size(d, dims) for d in _SHAPES[name])
        if tuple(a.shape) != want:
            raise ValueError(f'{name} has shape {tuple(a.shape)} but is declared {_SHAPES[name]} with {dims}')
    return values


def _size(d, dims):
    n = 1
    for f in d.split('*'):
        n *= int(f) if f.isdigit() else dims[f]
    return n


def _like(arg, g):
    """The gradient in the shape the argument was passed in (a 1-D vector gets a 1-D gradient)."""
    return ${f.asarray('g')}.reshape(${f.asarray('arg')}.shape)`;

/** A helper's source: the flavour's own, or one an operator module provides (src/ops/*, `helpers.python`). */
function pythonHelper(flavour: Flavour, name: string): string | undefined {
  return flavour.helpers[name] ?? operatorHelper('python', name)?.(flavour.lib);
}

export function pythonModule(flavour: Flavour): TargetModule {
  return (spec: ModuleSpec) => {
    const helpers = new Set<string>();
    const local = (raw: string) => {
      const name = identifier(raw);
      return KEYWORDS.has(name) ? name + '_' : name;
    };
    const lang: Language = {
      target: flavour.target,
      lib: flavour.lib,
      assign: (name, code) => `${name} = ${code}`,
      comment: '#',
      num: (v) => String(v),
      dimSymbol: local,
      helper: (name) => {
        if (!pythonHelper(flavour, name)) throw new Error(`internal: no ${flavour.target} helper ${name}`);
        helpers.add(name);
        return '_' + name;
      },
    };
    const { functions: fns, skipped } = buildFunctions(spec, lang, local, (s, i) => `${local(s.name)}.shape[${i}]`, (vs) =>
      `(keyword arguments ${vs.map((v) => 'd' + v).join(', ')})`,
    );
    const params = spec.params;
    // hvp's directions dW are checked like arguments, against the variable's declared shape
    const directions = skipped === undefined ? spec.wrt.map((v) => ({ name: directionName(v), shape: v.shape })) : [];
    const shapes = [...params, ...directions].map((s) => `    '${s.name}': ${pyShape(s)},`).join('\n');
    const unpack = (names: readonly Arg[]) =>
      `    ${names.map((s) => local(s.name)).join(', ')}${names.length === 1 ? ',' : ''} = _inputs(vars, (${names.map((s) => `'${s.name}'`).join(', ')}${names.length === 1 ? ',' : ''}))`;
    const out: string[] = [];
    out.push(...spec.header.map((l) => ('# ' + l).trimEnd()));
    if (skipped !== undefined) out.push('#', `# No hessian or hvp: ${skipped}`);
    out.push('', flavour.import, '');
    out.push(`# declared shapes: dimension names bind to the sizes of the arguments`, `_SHAPES = {`, shapes, '}', '', '');
    out.push(inputs(flavour), '', '');
    for (const h of [...helpers].sort()) out.push(pythonHelper(flavour, h)!, '', '');
    if (fns.some((fn) => fn.kind === 'hessian')) out.push(flavour.blocks, '', '');
    for (const fn of fns) {
      out.push(`def ${fn.name}(**vars):`, `    """${fn.doc}"""`, unpack(fn.kind === 'hvp' ? [...params, ...directions] : params));
      out.push(...fn.dims.map(([d, code]) => `    ${local(d)} = ${code}`));
      out.push(...fn.body.statements.map((s) => '    ' + s));
      if (fn.kind === 'value') {
        const [r] = fn.body.results;
        out.push(`    return ${isScalarShape(spec.f.shape) ? flavour.scalar(r) : r}`);
      } else if (fn.kind === 'hessian') {
        const n = spec.wrt.length;
        out.push('    return _blocks([');
        for (let i = 0; i < n; i++) out.push(`        [${fn.body.results.slice(i * n, i * n + n).join(', ')}],`);
        out.push('    ])');
      } else {
        out.push('    return {');
        spec.wrt.forEach((v, i) => out.push(`        '${v.name}': _like(vars['${v.name}'], ${fn.body.results[i]}),`));
        out.push('    }');
      }
      out.push('', '');
    }
    return out.join('\n').trimEnd() + '\n';
  };
}

/** an argument of a generated function: a symbol, or hvp's direction for one */
type Arg = Pick<SymNode, 'name' | 'shape'>;

function pyShape(s: Arg): string {
  if (isScalarShape(s.shape)) return '()';
  return `('${dimKey(s.shape.rows)}', '${dimKey(s.shape.cols)}')`;
}

