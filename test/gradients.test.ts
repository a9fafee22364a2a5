// Every gradient of the battery is derived and checked against finite differences (the checker is
// independent of the engine), and where the form matters it is compared with the form a paper prints.
import { describe, expect, it } from 'vitest';
import { runDerive } from '../src/app/derive.js';
import { toText } from '../src/render/print.js';
import { GRADIENTS } from './battery.js';

describe('gradient battery', () => {
  it('has at least 50 cases', () => expect(GRADIENTS.length).toBeGreaterThanOrEqual(50));
  for (const c of GRADIENTS) {
    it(c.name, () => {
      const out = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt });
      expect(out.verdict!.passed, JSON.stringify(out.verdict, null, 1)).toBe(true);
      expect(out.verdict!.maxError).toBeLessThan(1e-6);
      for (const [name, form] of Object.entries(c.expect ?? {})) {
        const r = out.results.find((x) => x.variable.name === name)!;
        expect(toText(r.display)).toBe(form);
      }
    });
  }
});
