// The derivation-document format: plain text a researcher writes by hand and a code host shows as is.
//
//   title: Deep linear network, gradient with respect to one layer
//   source: Zhou & Liang, App. B eqs. (90)–(97)
//   decl: W1, W2, W3: d x d; X, Y: d x n
//   def: e = W3*W2*W1*X - Y
//   at: Y = W3*W2*W1*X                     (an evaluation point; or  assume: W3*W2*W1*X - Y = 0)
//
//   # prose: lines starting with # are comments, kept as text in the rendered document
//   ## a note for the verification report only (how the lines were checked), left out of the paper's .tex
//
//   claim (8): grad(0.5*norm(e)^2, W2) = W3'*e*(W1*X)'
//   refute (4.2): grad(0.5*norm(M - x*x')^2, x) = -(M - x*x')*x     (a printed formula shown to be false)
//   claim: norm(A*B) <= opnorm(A)*norm(B)          (an inequality: <=, <, >=, >; checked at random points
//                                                  and by a search for a violation)
//
//   proof (92)-(97): jac(0.5*norm(e)^2, W2)
//     = 0.5*jac(vec(e)'*vec(e), W2)               by frobenius-vec
//     = jac(vec(e), W2)*vec(e)                    by jac-square
//     = jac(vec(W3*W2*W1*X), W2)*vec(e)           because $Y$ does not depend on $W_2$
//     = kron(W1*X, W3')*vec(e)                    by vec-kron, jac-linear, kron-transpose
//
// A claim is one equation or inequality; a proof is a chain whose steps start with "=", each optionally
// justified "by RULE" (rules of rules/, applied in order, checked to justify the step) or "because free
// text" (prose, where $…$ is math).
import { InputError } from '../expr/errors.js';

export interface DocLine {
  readonly line: number;
  readonly text: string;
}

export interface DocStep {
  readonly line: number;
  readonly expr: string;
  /** the rules cited, applied in this order ("by prod-split, vec-kron") */
  readonly rules?: readonly string[];
  readonly because?: string;
}

export interface DocClaim {
  readonly kind: 'claim';
  /** false for "refute:", a printed formula the document shows to be wrong */
  readonly expected: boolean;
  readonly label?: string;
  readonly line: number;
  readonly lhs: string;
  /** = for an equation; <=, <, >=, > for an inequality */
  readonly relation: Relation;
  readonly rhs: string;
  readonly rule?: string;
}

export interface DocProof {
  readonly kind: 'proof';
  readonly label?: string;
  readonly line: number;
  readonly first: DocStep;
  readonly steps: readonly DocStep[];
}

export interface DocProse {
  readonly kind: 'prose';
  readonly line: number;
  readonly text: string;
  /** written "## …": a note for the verification report, not part of the paper's text */
  readonly report?: boolean;
}

export type DocItem = DocClaim | DocProof | DocProse;

export interface DocumentSource {
  readonly file: string;
  readonly title?: string;
  readonly source?: string;
  readonly decl: DocLine;
  readonly defs: readonly DocLine[];
  readonly at: readonly DocLine[];
  readonly assume: readonly DocLine[];
  readonly items: readonly DocItem[];
}

export class DocumentError extends InputError {}

const HEADERS = new Set(['title', 'source', 'decl', 'def', 'at', 'assume']);

/** "expr   by rule" / "expr   by rule1, rule2" / "expr   because text" */
function splitJustification(s: string): { expr: string; rules?: string[]; because?: string } {
  const by = /^(.*?)\s+by\s+([A-Za-z][\w-]*(?:\s*,\s*[A-Za-z][\w-]*)*)\s*$/.exec(s);
  if (by) return { expr: by[1].trim(), rules: by[2].split(',').map((r) => r.trim()) };
  const because = /^(.*?)\s+because\s+(.+)$/.exec(s);
  if (because) return { expr: because[1].trim(), because: because[2].trim() };
  return { expr: s.trim() };
}

export type Relation = '=' | '<=' | '<' | '>=' | '>';

/**
 * Split "lhs <= rhs" (also <, >=, >, and ≤, ≥) at its top-level relation, or "lhs = rhs"; undefined when
 * there is none, or more than one.
 */
export function splitRelation(s: string): { lhs: string; relation: Relation; rhs: string } | undefined {
  let depth = 0;
  const found: { at: number; len: number; relation: Relation }[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && (c === '<' || c === '>' || c === '≤' || c === '≥')) {
      const eq = s[i + 1] === '=';
      const relation = (c === '≤' ? '<=' : c === '≥' ? '>=' : c + (eq ? '=' : '')) as Relation;
      found.push({ at: i, len: eq ? 2 : 1, relation });
      if (eq) i++;
    }
  }
  if (found.length > 1) return undefined;
  if (found.length === 1) {
    const { at, len, relation } = found[0];
    return { lhs: s.slice(0, at).trim(), relation, rhs: s.slice(at + len).trim() };
  }
  const eq = splitEquation(s);
  return eq && { lhs: eq[0], relation: '=', rhs: eq[1] };
}

/** Split "lhs = rhs" at the top-level "=" (not inside parentheses, not ==). */
export function splitEquation(s: string): [string, string] | undefined {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0 && s[i + 1] !== '=' && s[i - 1] !== '=' && !'<>!'.includes(s[i - 1] ?? '')) return [s.slice(0, i).trim(), s.slice(i + 1).trim()];
  }
  return undefined;
}

export function parseDocument(text: string, file: string): DocumentSource {
  const fail = (line: number, msg: string) => new DocumentError(`${file}:${line}: ${msg}`);
  let title: string | undefined, source: string | undefined, decl: DocLine | undefined;
  const defs: DocLine[] = [], at: DocLine[] = [], assume: DocLine[] = [];
  const items: DocItem[] = [];
  let proof: { label?: string; line: number; first: DocStep; steps: DocStep[] } | undefined;
  const closeProof = () => {
    if (proof) items.push({ kind: 'proof', ...proof });
    proof = undefined;
  };
  let lastProseLines = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (!t) return;
    if (t.startsWith('#')) {
      closeProof();
      const report = t.startsWith('##');
      const words = t.replace(/^#+\s?/, '');
      // consecutive comment lines are one paragraph; an empty "#" line starts the next
      const last = items[items.length - 1];
      if (last?.kind === 'prose' && !last.report === !report && last.line + lastProseLines === line && words.trim() && last.text.trim()) {
        items[items.length - 1] = { ...last, text: `${last.text} ${words}` };
        lastProseLines++;
      } else {
        items.push({ kind: 'prose', line, text: words, ...(report ? { report } : {}) });
        lastProseLines = 1;
      }
      return;
    }
    if (t.startsWith('=')) {
      if (!proof) throw fail(line, 'a step "= …" outside a proof: start one with "proof: <first expression>"');
      const j = splitJustification(t.slice(1));
      if (!j.expr) throw fail(line, 'an empty step');
      proof.steps.push({ line, ...j });
      return;
    }
    closeProof();
    const m = /^(claim|refute|proof)\b\s*([^:]*?)\s*:\s*(.*)$/.exec(t) ?? /^([a-z]+)\s*:\s*(.*)$/.exec(t);
    if (!m) throw fail(line, `expected "key: value" (${[...HEADERS].join(', ')}), "claim: lhs = rhs", "proof: expr", a step "= expr" or a comment "# …", found "${t}"`);
    if (m[1] === 'claim' || m[1] === 'refute' || m[1] === 'proof') {
      const label = m[2] || undefined;
      const body = m[3];
      if (!body) throw fail(line, `${m[1]} needs ${m[1] === 'claim' ? 'an equation "lhs = rhs"' : 'its first expression on the same line'}`);
      if (m[1] !== 'proof') {
        const j = splitJustification(body);
        const eq = splitRelation(j.expr);
        if (!eq || !eq.lhs || !eq.rhs) throw fail(line, `a ${m[1]} is one equation "lhs = rhs" or one inequality "lhs <= rhs" (<, >=, >), found "${body}"`);
        if (eq.relation !== '=' && j.rules) throw fail(line, `an inequality cannot cite a rule (rules are equalities): drop "by ${j.rules.join(', ')}"`);
        items.push({ kind: 'claim', expected: m[1] === 'claim', label, line, lhs: eq.lhs, relation: eq.relation, rhs: eq.rhs, ...(j.rules ? { rule: j.rules.join(', ') } : {}) });
      } else proof = { label, line, first: { line, expr: body }, steps: [] };
      return;
    }
    const [key, value] = [m[1], m[2].trim()];
    if (!HEADERS.has(key)) throw fail(line, `unknown key "${key}" (known: ${[...HEADERS].join(', ')}, claim, proof)`);
    if (!value) throw fail(line, `"${key}:" needs a value`);
    switch (key) {
      case 'title': title = value; break;
      case 'source': source = value; break;
      case 'decl':
        if (decl) throw fail(line, `a second "decl:" line (the first is line ${decl.line}); put all declarations on one line, separated by ;`);
        decl = { line, text: value };
        break;
      case 'def': defs.push({ line, text: value }); break;
      case 'at': at.push({ line, text: value }); break;
      case 'assume': assume.push({ line, text: value }); break;
    }
  });
  closeProof();
  if (!decl) throw new DocumentError(`${file}: no "decl:" line: declare the symbols, e.g. "decl: X: n x m; a: scalar"`);
  if (!items.some((x) => x.kind !== 'prose')) throw new DocumentError(`${file}: nothing to check: add a "claim:" or a "proof:"`);
  return { file, title, source, decl, defs, at, assume, items };
}
