// The library: derive, verify, checkDocuments, codegen, render. Each takes plain options and returns the
// object `--format json` prints (src/api/types.ts, docs/api.md), synchronously; bad input throws a
// MatcalcError carrying the CLI's message, the caret display and the position.
import { CheckError, InputError, UnsupportedError, type InputPosition } from '../expr/errors.js';
import { splitTopLevel } from '../lang/source.js';
import { runDerive } from '../app/derive.js';
import { runFamilyHessian, runHessian, wrtIsFamily } from '../app/hessian.js';
import { runCodegen } from '../app/codegen.js';
import { checkAndRender, readDocuments, verifyDocument, type DocumentText } from '../app/documents.js';
import { toJson } from '../render/derive-output.js';
import { familyHessianJson, hessianJson } from '../render/hessian-output.js';
import { verifyJson } from '../render/verify-output.js';
import { deriveDocument, hessianDocument } from '../render/derive-document.js';
import { documentPage } from '../render/document-page.js';
import { plainOf, renderDocument } from '../render/document.js';
import { verifyClaim } from '../verify/claim.js';
import { relationJson, verifyRelation } from '../app/relation.js';
import { loadRules } from '../rewrite/rules.js';
import { codegenJson, documentsJson } from './json.js';
import type {
  RelationJson,
  RelationRequest,
  CheckRequest, CodegenJson, CodegenRequest, DeriveJson, DeriveRequest, DocumentsJson, ErrorJson, ErrorsJson,
  FamilyHessianJson, HessianJson, Names, RenderJson, RenderRequest, VerifyJson, VerifyRequest,
} from './types.js';

/** Bad input (kind `input`), something matcalc cannot do (`unsupported`), or a check that could not run (`check`). */
export class MatcalcError extends Error {
  constructor(
    readonly kind: ErrorJson['kind'],
    message: string,
    readonly detail?: string,
    readonly position?: InputPosition,
  ) {
    super(message);
    this.name = 'MatcalcError';
  }

  /** The object the CLI prints for this error with `--format json`. */
  toJSON(): ErrorsJson {
    return { matcalc: 1, errors: [{ kind: this.kind, message: this.message, ...(this.detail ? { detail: this.detail } : {}), ...(this.position ? { position: this.position } : {}) }] };
  }
}

/** The engine's errors as MatcalcError, with the CLI's wording. */
export function asMatcalcError(e: unknown): MatcalcError {
  if (e instanceof MatcalcError) return e;
  if (e instanceof InputError) return new MatcalcError('input', e.message, e.detail, e.position);
  if (e instanceof UnsupportedError) return new MatcalcError('unsupported', `not supported: ${e.message}`);
  if (e instanceof CheckError) return new MatcalcError('check', `check could not run: ${e.message}`);
  return new MatcalcError('internal', `internal error (please report it): ${(e as Error)?.message ?? String(e)}`);
}

function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw asMatcalcError(e);
  }
}

const names = (v: Names | undefined): string[] | undefined =>
  v === undefined ? undefined : (typeof v === 'string' ? splitTopLevel(v) : v).map((s) => s.trim()).filter(Boolean);
const many = (v: string | readonly string[] | undefined): string[] | undefined => (v === undefined ? undefined : typeof v === 'string' ? [v] : [...v]);

/** The app layer's input for derive (and render) from the library's options. */
function deriveInput(req: DeriveRequest) {
  return { expr: req.f, decl: req.decl, wrt: names(req.wrt), defs: many(req.def), check: req.check, seed: req.seed };
}
const hessianPoint = (req: DeriveRequest) => ({ ...deriveInput(req), at: many(req.at), assume: many(req.assume) });
const UNNAMED = '<document>';

function required(o: object, fields: readonly string[], what: string): void {
  const missing = fields.filter((k) => typeof (o as Record<string, unknown>)[k] !== 'string');
  if (missing.length) throw new InputError(`${what} needs ${missing.join(', ')} (strings)`);
}

/**
 * Gradients and vec-Jacobians (DeriveJson), Hessians (HessianJson), or the bilinear form over a whole
 * family (FamilyHessianJson, `hessian` with `wrt` a family name): what `matcalc derive --format json` prints.
 */
export function derive(req: DeriveRequest & { readonly hessian: true }): HessianJson | FamilyHessianJson;
export function derive(req: DeriveRequest): DeriveJson;
export function derive(req: DeriveRequest): DeriveJson | HessianJson | FamilyHessianJson {
  return guarded(() => {
    required(req, ['f', 'decl'], 'derive');
    if (req.hessian) {
      if (wrtIsFamily(deriveInput(req))) {
        if (req.steps) throw new UnsupportedError('steps for the Hessian over a whole family are not available yet: derive a block with wrt "W[k]" or concrete layers');
        return familyHessianJson(runFamilyHessian(hessianPoint(req)));
      }
      return hessianJson(runHessian({ ...hessianPoint(req), steps: req.steps }));
    }
    if (req.at || req.assume) throw new InputError('at and assume choose the point of a Hessian; use them with hessian: true');
    return toJson(runDerive({ ...deriveInput(req), jacobian: req.jacobian, steps: req.steps }));
  });
}

/**
 * A claimed derivative against the truth: what `matcalc verify --claim … --format json` prints; without
 * f and wrt, a relation "LHS <= RHS" (<, >=, >) or "LHS = RHS" between two expressions.
 */
export function verify(req: RelationRequest): RelationJson;
export function verify(req: VerifyRequest): VerifyJson;
export function verify(req: VerifyRequest | RelationRequest): VerifyJson | RelationJson {
  return guarded(() => {
    if (!('f' in req && req.f) && !('wrt' in req && req.wrt)) {
      required(req, ['decl', 'claim'], 'verify');
      return relationJson(verifyRelation({ decl: req.decl, claim: req.claim, defs: many(req.def), at: many((req as RelationRequest).at), seed: req.seed }));
    }
    const r = req as VerifyRequest;
    required(r, ['f', 'decl', 'wrt', 'claim'], 'verify');
    return verifyJson(verifyClaim({ decl: r.decl, f: r.f, wrt: r.wrt, claim: r.claim, kind: r.kind, defs: many(r.def), seed: r.seed }));
  });
}

function documentTexts(req: CheckRequest): DocumentText[] {
  const texts = (req.documents ?? []).map((d) => ({ file: d.name ?? UNNAMED, text: d.text }));
  const files = req.paths?.length ? readDocuments(req.paths) : [];
  if (!texts.length && !files.length) throw new InputError('checkDocuments needs documents (as text) or paths');
  return [...texts, ...files];
}

/**
 * Derivation documents, every claim and step checked: what `matcalc verify FILE… --format json` prints.
 * With `out`, each is also rendered there with an index page, as `matcalc check` does.
 */
export function checkDocuments(req: CheckRequest): DocumentsJson {
  return guarded(() => {
    const docs = documentTexts(req);
    if (req.out !== undefined) return documentsJson('check', checkAndRender(docs, req.out).map((c) => c.result), req.out);
    const rules = loadRules();
    return documentsJson('verify', docs.map((d) => verifyDocument(d, req.seed, rules)));
  });
}

/** A NumPy, PyTorch or TypeScript module for f, its gradients and Hessian: `matcalc codegen --format json`. */
export function codegen(req: CodegenRequest): CodegenJson {
  return guarded(() => {
    required(req, ['f', 'decl', 'target'], 'codegen');
    const out = runCodegen({ expr: req.f, decl: req.decl, wrt: names(req.wrt), defs: many(req.def), target: req.target, sizes: req.sizes, check: req.check, seed: req.seed });
    return codegenJson(out);
  });
}

/**
 * A derivation (the options of `derive`) or a derivation document (`document`) as a complete LaTeX,
 * Markdown or HTML document: what `derive --format latex|md|html --out DIR` and `matcalc check` write.
 */
export function render(req: RenderRequest): RenderJson {
  return guarded(() => {
    if (!['latex', 'md', 'html'].includes(req.format)) throw new InputError(`render: format must be latex, md or html (not ${req.format})`);
    let doc, passed: boolean;
    if ('document' in req) {
      const rules = loadRules();
      const r = verifyDocument({ file: req.name ?? UNNAMED, text: req.document }, req.seed, rules);
      [doc, passed] = [documentPage(r, rules), r.passed];
    } else {
      required(req, ['f', 'decl'], 'render');
      if (req.hessian) {
        if (wrtIsFamily(deriveInput(req))) throw new UnsupportedError('a Hessian over a whole family renders as text, latex or json (derive), not as a document yet');
        const h = runHessian(hessianPoint(req));
        [doc, passed] = [hessianDocument(h), h.verdict?.passed ?? true];
      } else {
        const d = runDerive({ ...deriveInput(req), jacobian: req.jacobian, steps: req.steps });
        [doc, passed] = [deriveDocument(d), (d.verdict?.passed ?? true) && !d.derivations?.some((x) => !x.verdict.passed)];
      }
    }
    const r = renderDocument(doc, { assets: 'inline' });
    return { matcalc: 1, command: 'render', format: req.format, title: plainOf(doc.title), passed, content: req.format === 'latex' ? r.tex : req.format === 'md' ? r.md : r.html };
  });
}

