// Declarations: "W1: h x d; W2: k x h; X: d x n; x: n; a: scalar; S: n x n symmetric; P: n x n spd".
// Dimensions are symbols (or integers); properties are symmetric, spd, invertible.
import { SymNode, sym, type Property } from '../expr/ast.js';
import { Dim, ONE, dimEq, dimMul, dimNum, dimSym } from '../expr/dim.js';
import { InputError } from '../expr/errors.js';
import { SCALAR, Shape, isSquare, shape, shapeText } from '../expr/shape.js';
import { errorAt } from './source.js';
import { FUNCTION_NAMES } from './functions.js';

export interface Declarations {
  readonly symbols: ReadonlyMap<string, SymNode>;
  readonly dims: ReadonlySet<string>;
  readonly source: string;
}

const PROPERTIES: Record<string, Property> = { symmetric: 'symmetric', spd: 'spd', pd: 'spd', invertible: 'invertible', mask: 'mask' };
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

interface Token {
  text: string;
  start: number;
}

function tokens(s: string, offset: number): Token[] {
  const out: Token[] = [];
  const re = /[A-Za-z0-9_]+|×|,|\S/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push({ text: m[0], start: offset + m.index });
  return out;
}

export function parseDeclarations(source: string): Declarations {
  const symbols = new Map<string, SymNode>();
  const dims = new Set<string>();
  const where = new Map<string, number>();
  if (!source.trim()) throw new InputError('empty declarations: say what each symbol is, e.g. --decl "X: n x m; a: scalar"');
  let offset = 0;
  for (const part of source.split(/[;\n]/)) {
    const start = offset;
    offset += part.length + 1;
    if (!part.trim()) continue;
    const colon = part.indexOf(':');
    const fail = (msg: string, at: number, len = 1) => errorAt('declaration', source, { start: at, end: at + len }, msg);
    if (colon < 0) throw fail(`expected "names: type" (e.g. "X: n x m"), found "${part.trim()}"`, start + part.search(/\S/), part.trim().length);
    const names = part.slice(0, colon).split(',').map((n) => n.trim());
    let nameOffset = start;
    const nameSpans = names.map((n) => {
      const at = source.indexOf(n, nameOffset);
      nameOffset = at + n.length;
      return at;
    });
    names.forEach((n, i) => {
      if (!IDENT.test(n)) throw fail(`"${n}" is not a name (letters, digits, _; starting with a letter)`, nameSpans[i] < 0 ? start : nameSpans[i], Math.max(1, n.length));
      if (FUNCTION_NAMES.has(n)) throw fail(`"${n}" is a function of the language and cannot name a symbol`, nameSpans[i], n.length);
    });
    const toks = tokens(part.slice(colon + 1), start + colon + 1);
    if (toks.length === 0) throw fail('expected a type after ":" (scalar, n, or m x n)', start + colon);
    let i = 0;
    // a dimension is a product of symbols and integers: n, 3, m*n
    const readDim = (): Dim => {
      let d = readFactor();
      while (toks[i]?.text === '*') {
        i++;
        d = dimMul(d, readFactor());
      }
      return d;
    };
    const readFactor = (): Dim => {
      const t = toks[i++];
      if (!t) throw fail('expected a dimension', start + part.length);
      if (/^\d+$/.test(t.text)) return dimNum(Number(t.text));
      if (IDENT.test(t.text) && !PROPERTIES[t.text]) {
        dims.add(t.text);
        return dimSym(t.text);
      }
      throw fail(`expected a dimension (a name such as n, or an integer), found "${t.text}"`, t.start, t.text.length);
    };
    let s: Shape;
    if (toks[0].text === 'scalar') {
      s = SCALAR;
      i = 1;
    } else {
      const rows = readDim();
      if (toks[i] && (toks[i].text === 'x' || toks[i].text === '×')) {
        i++;
        s = shape(rows, readDim());
      } else s = shape(rows, ONE);
    }
    const props: Property[] = [];
    for (; i < toks.length; i++) {
      const t = toks[i];
      const p = PROPERTIES[t.text];
      if (!p) throw fail(`unknown property "${t.text}" (known: symmetric, spd, invertible, mask)`, t.start, t.text.length);
      if (p !== 'mask' && (!isSquare(s) || dimEq(s.rows, ONE))) throw fail(`"${t.text}" needs a square matrix, but the type is ${shapeText(s)}`, t.start, t.text.length);
      props.push(p);
    }
    names.forEach((n, k) => {
      const node = sym(n, s, props);
      const prev = symbols.get(n);
      if (prev && prev !== node)
        throw fail(`${n} is declared twice with different types (${shapeText(prev.shape)} and ${shapeText(s)})`, nameSpans[k], n.length);
      symbols.set(n, node);
      where.set(n, nameSpans[k]);
    });
  }
  for (const d of dims)
    if (symbols.has(d))
      throw errorAt('declaration', source, { start: where.get(d)!, end: where.get(d)! + d.length }, `${d} is used both as a dimension and as a symbol`);
  return { symbols, dims, source };
}
