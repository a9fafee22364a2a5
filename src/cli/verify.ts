// matcalc verify: a claimed derivative (--f, --wrt, --claim), a relation (--claim "LHS <= RHS", no --f),
// or derivation documents (FILE…, - for stdin).
import { InputError } from '../expr/errors.js';
import { documentText, readDocuments, verifyDocument } from '../app/documents.js';
import { verifyClaim } from '../verify/claim.js';
import { formatVerifyText, verifyJson } from '../render/verify-output.js';
import { loadRules } from '../rewrite/rules.js';
import { documentsJson } from '../api/json.js';
import { readStdin, STDIN } from './stdin.js';

export async function verify(files: string[], o: Record<string, any>): Promise<void> {
  if (files.length) {
    if (o.claim || o.f) throw new InputError('give either documents (matcalc verify FILE…) or a claim (--decl, --f, --wrt, --claim), not both');
    const docs = readDocuments(files, files.includes(STDIN) ? await readStdin() : undefined);
    const rules = loadRules();
    const results = docs.map((doc) => verifyDocument(doc, o.seed, rules));
    process.stdout.write(o.format === 'json' ? JSON.stringify(documentsJson('verify', results), null, 2) + '\n' : results.map(documentText).join(''));
    if (results.some((r) => !r.passed)) process.exitCode = 1;
    return;
  }
  // no function: a relation between two expressions, "LHS = RHS" or "LHS <= RHS" (<, >=, >)
  if (!o.f && !o.wrt && o.claim && o.decl) {
    if (o.kind) throw new InputError('--kind is for claimed derivatives (with --f and --wrt); a relation "LHS <= RHS" needs none');
    const { formatRelationText, relationJson, verifyRelation } = await import('../app/relation.js');
    const out = verifyRelation({ decl: o.decl, claim: o.claim, defs: o.def, at: o.at, seed: o.seed });
    process.stdout.write(o.format === 'json' ? JSON.stringify(relationJson(out), null, 2) + '\n' : formatRelationText(out));
    if (out.status !== 'holds') process.exitCode = 1;
    return;
  }
  if (o.at) throw new InputError('--at chooses the points of a relation (verify --decl … --claim "LHS <= RHS"); a claimed derivative is checked at random points');
  const missing = ['decl', 'f', 'wrt', 'claim'].filter((k) => !o[k]);
  if (missing.length) throw new InputError(`verify needs ${missing.map((m) => '--' + m).join(', ')} (or derivation documents: matcalc verify FILE…)`);
  const out = verifyClaim({ decl: o.decl, f: o.f, wrt: o.wrt, claim: o.claim, kind: o.kind, defs: o.def, seed: o.seed });
  process.stdout.write(o.format === 'json' ? JSON.stringify(verifyJson(out), null, 2) + '\n' : formatVerifyText(out));
  if (!out.verified) process.exitCode = 1;
}
