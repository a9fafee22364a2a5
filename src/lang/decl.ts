// Declarations: "W1: h x d; W2: k x h; X: d x n; x: n; a: scalar; S: n x n symmetric; P: n x n spd".
// Dimensions are symbols (or integers), and may be constrained: "q >= n", "m >= n + 1", "r <= n";
// properties are symmetric, spd, invertible, positive, mask.
// Families of matrices: "W[k = 1..l]: n[k] x n[k-1]" (shapes that follow the index), "W[1..l]: d x d"
// (one shape), "A[k = 1..l, q = 1..r]: d x d"; index variables "k in 1..l", "k2 in k+1..l"; the depth l
// is a parameter (an integer ≥ 1, or "l >= 2").
import { SymNode, sym, type Expr, type Property } from '../expr/ast.js';
import { Dim, ONE, dimEq, dimMul, dimNum, dimSym } from '../expr/dim.js';
import { InputError } from '../expr/errors.js';
import { SCALAR, Shape, isScalarShape, isSquare, shape, shapeText } from '../expr/shape.js';
import { Idx, IndexVar, idxConst, indexVar, isConstIdx, rangeText, splitIndexedName } from '../expr/indices.js';
import { member } from '../expr/families.js';
import type { DimConstraint, Scope } from '../check/sample.js';
import { errorAt, splitTopLevel } from './source.js';
import { FUNCTION_NAMES } from './functions.js';
import { parseIndexText, splitRange } from './indices.js';

/** A family of matrices W[k], k = 1..l: the slots' variables with their ranges, and the shape of W[k]. */
export interface Family {
  readonly name: string;
  readonly slots: readonly IndexVar[];
  /** the shape of a member in terms of the slot variables: n[k] x n[k-1] */
  readonly shape: Shape;
  readonly props: readonly Property[];
}

export interface Declarations {
  readonly symbols: ReadonlyMap<string, SymNode>;
  readonly dims: ReadonlySet<string>;
  readonly source: string;
  readonly families: ReadonlyMap<string, Family>;
  /** index variables by name: declared ones (k in 1..l) and depth parameters (l) */
  readonly indices: ReadonlyMap<string, IndexVar>;
  /** dimensions that follow an index: n for n[k] */
  readonly dimFamilies: ReadonlySet<string>;
  /** q >= n, m >= n + 1, r <= n: every point the checker draws satisfies them */
  readonly constraints: readonly DimConstraint[];
  /**
   * bounds "l >= 2" on a name no type and no range of the declarations uses, with where they start:
   * only an expression can use them (prod(j = l..1, W)); see assertDepthBoundsUsed
   */
  readonly looseDepthBounds: ReadonlyMap<string, number>;
}

const COMPARISON = /^[^:]*(>=|<=|≥|≤|==|[<>=])/;

/**
 * A dimension constraint: two sides made of dimension names and integers (2*n, n + 1, m - 1) compared
 * by >=, <=, > or < (or ≥, ≤), as Σ coefs·dim + constant ≥ 0 (a strict inequality is ≥ with 1 more).
 */
function dimConstraint(text: string, start: number, dims: ReadonlySet<string>, failAt: (msg: string, at: number, len?: number) => Error): DimConstraint {
  const m = /^(.*?)(>=|<=|≥|≤|==|[<>=])(.*)$/.exec(text)!;
  const [, left, rel, right] = m;
  const coefs: Record<string, number> = {};
  let constant = 0;
  const side = (src: string, at: number, sign: number) => {
    const terms = src.replace(/\s+/g, '').replace(/-/g, '+-').split('+');
    if (terms[0] === '' && terms.length > 1 && src.trim().startsWith('-')) terms.shift();
    if (terms.some((t) => !t)) throw failAt(`expected a dimension or a number on each side of ${rel}, as in "q >= n" or "m >= n + 1"`, start + at, Math.max(1, src.length));
    for (const term of terms) {
      const t = /^(-?)(?:(\d+)\*?)?([A-Za-z][A-Za-z0-9_]*)?(?:\*(\d+))?$/.exec(term);
      if (!t || (!t[2] && !t[3])) throw failAt(`"${term}" is not a dimension, a number, or a number times a dimension`, start + at + Math.max(0, src.indexOf(term.replace(/^-/, ''))), term.length);
      const k = (t[1] ? -1 : 1) * Number(t[2] ?? 1) * Number(t[4] ?? 1) * sign;
      if (!t[3]) constant += k;
      else if (!dims.has(t[3])) throw failAt(`${t[3]} is not a dimension of the declarations (a constraint such as "q >= n" compares the sizes of declared dimensions)`, start + text.indexOf(t[3], at), t[3].length);
      else coefs[t[3]] = (coefs[t[3]] ?? 0) + k;
    }
  };
  const [ge, strict] = rel === '>=' || rel === '≥' ? [1, 0] : rel === '>' ? [1, 1] : rel === '<=' || rel === '≤' ? [-1, 0] : rel === '<' ? [-1, 1] : [0, 0];
  if (ge === 0) throw failAt(`an equation between dimensions ("${text.trim()}") makes them one: use one dimension name for both`, start + text.indexOf(rel), rel.length);
  side(left, 0, ge);
  side(right, left.length + rel.length, -ge);
  return { text: text.trim().replace(/\s+/g, ' '), coefs, constant: constant - strict };
}

/** A member of a declared family at the given indices. */
export function familyMember(f: Family, index: readonly Idx[]): SymNode {
  return member(f.name, f.slots, f.shape, f.props, index);
}

/** Members of a family with constant ranges are ordinary symbols too (W[1..3]: W[1], W[2], W[3]). */
const CONCRETE_MEMBERS = 4096;

const PROPERTIES: Record<string, Property> = { symmetric: 'symmetric', spd: 'spd', pd: 'spd', invertible: 'invertible', mask: 'mask', orthogonal: 'orthogonal', unit: 'unit', stochastic: 'stochastic', positive: 'positive' };
/** Properties of any shape (the others need a square matrix). */
const ANY_SHAPE: ReadonlySet<Property> = new Set(['mask', 'orthogonal', 'unit', 'stochastic', 'positive']);
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

interface Token {
  text: string;
  start: number;
}

function tokens(s: string, offset: number): Token[] {
  const out: Token[] = [];
  const re = /[A-Za-z][A-Za-z0-9_]*\[[^\]]*\]|[A-Za-z0-9_]+|×|,|\S/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push({ text: m[0], start: offset + m.index });
  return out;
}

export function parseDeclarations(source: string): Declarations {
  const symbols = new Map<string, SymNode>();
  const dims = new Set<string>();
  const dimFamilies = new Set<string>();
  const families = new Map<string, Family>();
  const indices = new Map<string, IndexVar>();
  const where = new Map<string, number>();
  if (!source.trim()) throw new InputError('empty declarations: say what each symbol is, e.g. --decl "X: n x m; a: scalar"');
  const parts: { text: string; start: number }[] = [];
  let offset = 0;
  for (const part of source.split(/[;\n]/)) {
    parts.push({ text: part, start: offset });
    offset += part.length + 1;
  }
  const failAt = (msg: string, at: number, len = 1) => errorAt('declaration', source, { start: at, end: at + len }, msg);
  // comparisons are dimension constraints ("q >= n", read after the types) or, for a name no type uses,
  // depth parameters ("l >= 2", read first, so that ranges declared before them see their bounds)
  const typeNames = new Set(parts.flatMap((p) => (p.text.includes(':') ? (p.text.slice(p.text.indexOf(':') + 1).match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []) : [])));
  const comparisons = parts.filter((p) => !p.text.includes(':') && COMPARISON.test(p.text));
  const depthBound = (text: string) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*>=\s*(-?\d+)\s*$/.exec(text);
    return m && !typeNames.has(m[1]) ? m : undefined;
  };
  const lowerBounds = new Map<string, number>();
  const boundAt = new Map<string, number>();
  for (const { text, start } of comparisons) {
    const m = depthBound(text);
    if (!m) continue;
    if (lowerBounds.has(m[1])) throw failAt(`${m[1]} has two lower bounds`, start + text.indexOf(m[1]), m[1].length);
    lowerBounds.set(m[1], Number(m[2]));
    boundAt.set(m[1], start + text.indexOf(m[1]));
  }
  // the depth parameters a range of the declarations uses (W[k = 1..l], k in 1..l, n[l])
  const rangeUses = new Set<string>();
  const param = (name: string): IndexVar => {
    let v = indices.get(name);
    if (!v) {
      v = indexVar(name, idxConst(lowerBounds.get(name) ?? 1));
      indices.set(name, v);
    }
    return v;
  };
  /** bounds of ranges: declared index variables, or new depth parameters */
  const boundLookup = (name: string) => {
    rangeUses.add(name);
    return indices.get(name) ?? (IDENT.test(name) && !symbols.has(name) && !dims.has(name) && !FUNCTION_NAMES.has(name) ? param(name) : undefined);
  };
  for (const [name] of lowerBounds) param(name);
  const readRange = (text: string, at: number, lookup = boundLookup): [Idx, Idx] => {
    const r = splitRange(text);
    if (!r) throw failAt(`expected a range such as 1..l, found "${text.trim()}"`, at, Math.max(1, text.length));
    const [lo, hi] = r.map((t) => parseIndexText(t, lookup, (msg) => failAt(msg, at, text.length)));
    if (isConstIdx(lo) && lo.c < 0) throw failAt(`a range starts at a nonnegative integer, not ${lo.text}`, at, text.length);
    return [lo, hi];
  };

  for (const { text: part, start } of parts) {
    if (!part.trim()) continue;
    if (comparisons.some((c) => c.start === start)) continue;
    const fail = (msg: string, at: number, len = 1) => failAt(msg, at, len);
    const indexDecl = /^\s*([A-Za-z][A-Za-z0-9_]*)\s+in\s+(.+)$/.exec(part);
    if (indexDecl && !part.includes(':')) {
      const [, name, range] = indexDecl;
      const at = start + part.indexOf(name);
      if (indices.has(name)) throw fail(`the index ${name} is declared twice`, at, name.length);
      if (symbols.has(name) || dims.has(name)) throw fail(`${name} is already a ${symbols.has(name) ? 'symbol' : 'dimension'}`, at, name.length);
      const [lo, hi] = readRange(range, start + part.indexOf(range));
      indices.set(name, indexVar(name, lo, hi));
      where.set(name, at);
      continue;
    }
    const colon = part.indexOf(':');
    if (colon < 0) throw fail(`expected "names: type" (e.g. "X: n x m"), an index "k in 1..l" or a bound "l >= 2", found "${part.trim()}"`, start + part.search(/\S/), part.trim().length);
    const head = part.slice(0, colon);
    const names = splitTopLevel(head).map((n) => n.trim());
    let nameOffset = start;
    const nameSpans = names.map((n) => {
      const at = source.indexOf(n, nameOffset);
      nameOffset = at + n.length;
      return at;
    });
    // a family: W[k = 1..l]; its slot variables may appear in the type (n[k] x n[k-1])
    const familyHeads = names.map((n, i) => {
      const m = /^([A-Za-z][A-Za-z0-9_]*)\s*\[(.*)\]$/.exec(n);
      if (!m) return undefined;
      const slots = splitTopLevel(m[2]).map((slot, si) => {
        const named = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:=|\bin\b)\s*(.+)$/.exec(slot);
        const at = nameSpans[i] + n.indexOf(slot);
        const [lo, hi] = readRange(named ? named[2] : slot, at);
        return indexVar(named ? named[1] : `_${si + 1}`, lo, hi);
      });
      return { name: m[1], slots };
    });
    names.forEach((n, i) => {
      const bare = familyHeads[i]?.name ?? n;
      if (!IDENT.test(bare)) throw fail(`"${n}" is not a name (letters, digits, _; starting with a letter), or a family such as W[k = 1..l]`, nameSpans[i] < 0 ? start : nameSpans[i], Math.max(1, n.length));
      if (FUNCTION_NAMES.has(bare)) throw fail(`"${bare}" is a function of the language and cannot name a symbol`, nameSpans[i], bare.length);
      if (indices.has(bare)) throw fail(`${bare} is an index, and cannot also name a matrix`, nameSpans[i], bare.length);
    });
    const slotVars = new Map<string, IndexVar>();
    for (const h of familyHeads) for (const v of h?.slots ?? []) if (!v.name.startsWith('_')) slotVars.set(v.name, v);
    const toks = tokens(part.slice(colon + 1), start + colon + 1);
    if (toks.length === 0) throw fail('expected a type after ":" (scalar, n, or m x n)', start + colon);
    let i = 0;
    // a dimension is a product of symbols and integers: n, 3, m*n, n[k-1]
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
      const indexed = splitIndexedName(t.text);
      if (indexed) {
        const lookup = (name: string) => (rangeUses.add(name), slotVars.get(name) ?? indices.get(name));
        const index = indexed.index.map((x) => parseIndexText(x, lookup, (msg) => fail(msg, t.start, t.text.length)));
        dimFamilies.add(indexed.base);
        return dimSym(`${indexed.base}[${index.map((x) => x.text).join(',')}]`);
      }
      if (IDENT.test(t.text) && !PROPERTIES[t.text]) {
        if (indices.has(t.text)) throw fail(`${t.text} is an index, not a dimension`, t.start, t.text.length);
        dims.add(t.text);
        return dimSym(t.text);
      }
      throw fail(`expected a dimension (a name such as n, n[k], or an integer), found "${t.text}"`, t.start, t.text.length);
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
      if (!p) throw fail(`unknown property "${t.text}" (known: ${Object.keys(PROPERTIES).join(', ')})`, t.start, t.text.length);
      if (!ANY_SHAPE.has(p) && (!isSquare(s) || dimEq(s.rows, ONE))) throw fail(`"${t.text}" needs a square matrix, but the type is ${shapeText(s)}`, t.start, t.text.length);
      if ((p === 'orthogonal' || p === 'unit') && isScalarShape(s)) throw fail(`"${t.text}" needs a vector or a matrix, but the type is scalar`, t.start, t.text.length);
      props.push(p);
    }
    names.forEach((n, k) => {
      const fam = familyHeads[k];
      if (fam) {
        if (families.has(fam.name) || symbols.has(fam.name)) throw fail(`${fam.name} is declared twice`, nameSpans[k], fam.name.length);
        const family: Family = { name: fam.name, slots: fam.slots, shape: s, props };
        families.set(fam.name, family);
        where.set(fam.name, nameSpans[k]);
        declareConcreteMembers(family, symbols, dims);
        return;
      }
      const node = sym(n, s, props);
      const prev = symbols.get(n);
      if (families.has(n)) throw fail(`${n} is declared twice (as a family and as a symbol)`, nameSpans[k], n.length);
      if (prev && prev !== node)
        throw fail(`${n} is declared twice with different types (${shapeText(prev.shape)} and ${shapeText(s)})`, nameSpans[k], n.length);
      symbols.set(n, node);
      where.set(n, nameSpans[k]);
    });
  }
  for (const d of dims)
    if (symbols.has(d) || families.has(d))
      throw errorAt('declaration', source, { start: where.get(d)!, end: where.get(d)! + d.length }, `${d} is used both as a dimension and as a symbol`);
  for (const d of dimFamilies)
    if (symbols.has(d) || families.has(d) || dims.has(d))
      throw errorAt('declaration', source, undefined, `${d} is used both as a dimension ${d}[…] and as ${dims.has(d) ? 'a plain dimension' : 'a symbol'}`);
  for (const [name] of indices)
    if (dims.has(name) || symbols.has(name))
      throw errorAt('declaration', source, undefined, `${name} is used both as an index (${rangeText(indices.get(name)!)}) and as a ${dims.has(name) ? 'dimension' : 'symbol'}`);
  const constraints = comparisons.filter((c) => !depthBound(c.text)).map((c) => dimConstraint(c.text, c.start, dims, failAt));
  const looseDepthBounds = new Map([...boundAt].filter(([name]) => !rangeUses.has(name)));
  return { symbols, dims, source, families, indices, dimFamilies, constraints, looseDepthBounds };
}

/**
 * A bound "N >= 3" on a name that no type, no range and none of the texts that go with the declarations
 * (the expressions, definitions, at: and claims) uses would bound nothing — most often a dimension
 * misspelt (N for n): say so rather than drop it.
 */
export function assertDepthBoundsUsed(decls: Declarations, texts: readonly string[]): void {
  for (const [name, at] of decls.looseDepthBounds) {
    const word = new RegExp(`(^|[^A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
    if (texts.some((t) => word.test(t))) continue;
    const dims = [...decls.dims].join(', ');
    throw errorAt('declaration', decls.source, { start: at, end: at + name.length },
      `${name} is neither a dimension (no type uses it) nor a depth that a range or an expression uses: this bound would constrain nothing${dims ? ` (the dimensions are ${dims})` : ''}`);
  }
}

function declareConcreteMembers(f: Family, symbols: Map<string, SymNode>, dims: Set<string>): void {
  if (!f.slots.every((v) => isConstIdx(v.lo) && v.hi && isConstIdx(v.hi))) return;
  const count = f.slots.reduce((n, v) => n * Math.max(0, v.hi!.c - v.lo.c + 1), 1);
  if (count > CONCRETE_MEMBERS) return;
  const walk = (prefix: Idx[]): void => {
    if (prefix.length === f.slots.length) {
      const m = familyMember(f, prefix);
      symbols.set(m.name, m);
      for (const d of [m.shape.rows, m.shape.cols]) for (const x of d.syms) dims.add(x);
      return;
    }
    const v = f.slots[prefix.length];
    for (let c = v.lo.c; c <= v.hi!.c; c++) walk([...prefix, idxConst(c)]);
  };
  walk([]);
}


/** What the checker draws points for: every declared symbol, the dimensions and their constraints, and assumptions. */
export function checkScope(decls: Declarations, assign?: readonly (readonly [string, Expr])[]): Scope {
  return { symbols: [...decls.symbols.values()], dims: decls.dims, constraints: decls.constraints, ...(assign?.length ? { assign } : {}) };
}
