// docs/language.md's tables of functions are generated from the operator registry (npm run docs): they
// must be up to date, and every function of the language must have a row.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { withGeneratedTables } from '../src/app/function-docs.js';
import { FUNCTIONS } from '../src/lang/functions.js';

const doc = readFileSync(new URL('../docs/language.md', import.meta.url), 'utf8');

describe("docs/language.md's function tables", () => {
  it('are what the registry generates (run npm run docs after changing an operator)', () => {
    expect(doc).toContain('<!-- BEGIN functions');
    for (const t of ['entrywise', 'spectral', 'blocks', 'sphere']) expect(doc).toContain(`<!-- BEGIN ${t}`);
    expect(withGeneratedTables(doc)).toBe(doc);
  });
  it('name every function of the language', () => {
    const tables = [...doc.matchAll(/<!-- BEGIN (\w+)[\s\S]*?<!-- END \1 -->/g)].map((m) => m[0]).join('\n');
    const missing = [...FUNCTIONS.keys()].filter((name) => !tables.includes('`' + name + '(') && !tables.includes('`' + name + '`'));
    expect(missing).toEqual([]);
  });
});
