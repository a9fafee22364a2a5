import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { verifyClaim } from '../src/verify/claim.js';
import { Rng } from '../src/numeric/random.js';
import { forms, pairsOf, slipsOf } from './mutations.js';
it('debug', () => {
  const out: string[] = [];
  const battery = forms().filter((f) => f.claim);
  for (const f of battery) {
    for (const s of slipsOf(f)) {
      const o = verifyClaim({ decl: f.decl, f: f.claim!.f, wrt: f.claim!.wrt, kind: f.claim!.kind, claim: s.text });
      const fs = o.diagnosis?.findings ?? [];
      if (fs.length && !fs[0].kinds.some((k) => s.equivalent.has(k))) out.push(`LATER ${s.kinds.join('+')} [${[...s.equivalent].join(',')}] ${f.name}: ${f.correct} → ${s.text}\n   first: ${fs[0].sentence}`);
    }
  }
  const rng = new Rng(5);
  for (const f of battery) for (const s of pairsOf(f, slipsOf(f), 2, rng)) {
    const o = verifyClaim({ decl: f.decl, f: f.claim!.f, wrt: f.claim!.wrt, kind: f.claim!.kind, claim: s.text });
    const fs = o.diagnosis?.findings ?? [];
    if (!fs.some((x) => s.kinds.every((k) => x.kinds.includes(k)) || x.kinds.every((k) => s.equivalent.has(k)))) out.push(`PAIR ${s.kinds.join('+')} ${f.name}: ${f.correct} → ${s.text}\n   got: ${fs.map((x) => x.sentence).join(' | ')}`);
  }
  writeFileSync('/tmp/i18-debug.txt', out.join('\n'));
});
