// docs/api.md: every example runs against the built package (imported by its name, 'matcalc', as a user
// would), and prints what the page shows. Needs the build (npm test runs it).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// inside the package: 'matcalc' resolves to the package itself through its exports map
const SCRATCH = join(ROOT, 'scratch');
const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
const examples = [...doc.matchAll(/```js\n((?:(?!```)[^])*)```\n\n```text\n((?:(?!```)[^])*)```/g)].map((m) => ({ code: m[1], output: m[2] }));

describe('docs/api.md', () => {
  it('has examples of every function', () => {
    for (const f of ['derive', 'verify', 'checkDocuments', 'codegen', 'render', 'MatcalcError']) expect(examples.some((e) => e.code.includes(`${f}(`) || e.code.includes(`instanceof ${f}`)), f).toBe(true);
  });
  examples.forEach((e, i) =>
    it(`example ${i + 1} prints what the page shows`, () => {
      mkdirSync(SCRATCH, { recursive: true });
      const file = join(SCRATCH, `api-example-${i + 1}.mjs`);
      writeFileSync(file, e.code);
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(e.output);
    }),
  );
});
