// docs/language.md's tables of functions, generated from the operator registry: each row is written in
// the operator's module (src/ops/*, `functions[].doc`; entrywise functions in src/ops/elementwise.ts),
// and the f′ column is what matcalc prints for the derivative. `npm run docs` rewrites the tables;
// test/function-docs.test.ts fails when they are out of date.
import '../ops/index.js';
import { sym } from '../expr/ast.js';
import { dimSym } from '../expr/dim.js';
import { shape } from '../expr/shape.js';
import { ELEMENTWISE } from '../ops/elementwise.js';
import { languageFunctions, type FunctionDoc } from '../ops/registry.js';
import { toText } from '../render/print.js';
import { simplify } from '../rewrite/simplify.js';

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

type Table = NonNullable<FunctionDoc['table']>;
const COLUMNS: Readonly<Record<Table, readonly (keyof FunctionDoc)[]>> = {
  functions: ['usage', 'meaning', 'rules'],
  spectral: ['usage', 'meaning', 'latex'],
  blocks: ['usage', 'meaning'],
  sphere: ['usage', 'meaning'],
};
const HEADINGS: Readonly<Record<keyof FunctionDoc, string>> = { usage: 'function', meaning: 'meaning', rules: 'argument rules', latex: 'LaTeX', table: '' };

/** One of the tables of functions (entrywise functions have their own). */
export function functionTable(table: Table = 'functions'): string {
  const cols = COLUMNS[table];
  const docs = [...languageFunctions().values()].map((f) => f.doc).filter((d): d is FunctionDoc => !!d && (d.table ?? 'functions') === table);
  const rows = docs.map((d) => row(cols.map((c) => String(d[c] ?? ''))));
  return [row(cols.map((c) => HEADINGS[c])), row(cols.map(() => '---')), ...rows].join('\n');
}

/** The table of entrywise functions; f′ is matcalc's own derivative of f(A), printed. */
export function entrywiseTable(): string {
  const A = sym('A', shape(dimSym('m'), dimSym('n')));
  const rows = ELEMENTWISE.map((f) => {
    const usage = f.parameter ? `\`${f.name}(A, ${f.parameter})\`` : `\`${f.name}\``;
    const derivative = f.docDerivative ?? `\`${toText(simplify(f.derivative(A, 0)))}\``;
    return row([usage, f.doc, derivative]);
  });
  return [row(['function', 'f(x)', 'f′ as printed in results (A: m×n)']), row(['---', '---', '---']), ...rows].join('\n');
}

const TABLES: Readonly<Record<string, () => string>> = {
  functions: () => functionTable('functions'),
  spectral: () => functionTable('spectral'),
  blocks: () => functionTable('blocks'),
  sphere: () => functionTable('sphere'),
  entrywise: entrywiseTable,
};

/** The document with every generated table replaced by its current text. */
export function withGeneratedTables(doc: string): string {
  return doc.replace(
    /(<!-- BEGIN (\w+): generated[^>]*-->\n)[\s\S]*?(<!-- END \2 -->)/g,
    (whole, begin: string, name: string, end: string) => (TABLES[name] ? `${begin}${TABLES[name]()}\n${end}` : whole),
  );
}
