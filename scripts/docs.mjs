// npm run docs: rewrite the generated tables of docs/language.md from the operator registry (after the build).
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedTables } from '../dist/src/app/function-docs.js';

const file = new URL('../docs/language.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = withGeneratedTables(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'docs/language.md: tables up to date' : 'docs/language.md: tables rewritten');
