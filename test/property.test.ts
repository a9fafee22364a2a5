// Property: for random well-typed expressions, the engine's gradient agrees with finite differences.
// Expressions are generated as input-language text (so the parser is exercised too; test/generators.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runDerive } from '../src/app/derive.js';
import { DECL, scalar } from './generators.js';

describe('engine = finite differences on random expressions', () => {
  it('gradients with respect to X (and x where used)', () => {
    let checked = 0;
    fc.assert(
      fc.property(scalar(2).filter((f) => /X/.test(f)), (f) => {
        const wrt = ['X', ...(f.includes('x') && /x['*]|\*x/.test(f) ? ['x'] : [])];
        let out;
        try {
          out = runDerive({ expr: f, decl: DECL, wrt, points: 2 });
        } catch (e) {
          // a function that does not depend on X is an input error, not an engine failure
          if ((e as Error).message.includes('does not depend on')) return true;
          throw e;
        }
        expect(out.verdict!.passed, `${f}: max error ${out.verdict!.maxError}`).toBe(true);
        checked++;
        return true;
      }),
      { numRuns: 150, seed: 7 },
    );
    // the property must have exercised the engine, not only skipped constant functions
    expect(checked).toBeGreaterThan(120);
  });
});
