// The straight-line printer shared by the targets. Each operator emits itself (the `emit` hook of its
// module in src/ops/); this file asks for the code of the roots, collects what each operator's code
// refers to, and decides which nodes become named temporaries: a node used more than once (a common
// subexpression: computed once), every matrix-valued sum (named E, E1, …, like the error matrix of the
// derivations), and code that would grow too long to read inline. The rest is inlined, parenthesised
// unless it is atomic (a name, a call, an attribute).
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { Dim } from '../expr/dim.js';
import { UnsupportedError } from '../expr/errors.js';
import { isScalarShape } from '../expr/shape.js';
import { CODE_PREC, opDef, type EmitContext, type Target } from '../ops/registry.js';
import { toText } from '../render/print.js';

export interface Language {
  readonly target: Target;
  readonly lib: string;
  /** `name = code` as a statement */
  assign(name: string, code: string): string;
  readonly comment: string;
  num(v: number): string;
  /** code of a dimension symbol, once the function has read it from the inputs */
  dimSymbol(name: string): string;
  /** the helper's name in the generated module (and note that the module needs it) */
  helper(name: string): string;
}

export interface Body {
  /** statements computing the temporaries, in order */
  readonly statements: readonly string[];
  /** code of each root (a name or an expression over the temporaries) */
  readonly results: readonly string[];
  /** dimension symbols the code uses (the function must read them from the inputs first) */
  readonly dims: ReadonlySet<string>;
}

const OPEN = '\u0001', CLOSE = '\u0002';
/** a reference to node #k that needs precedence ≥ min: \u0001k:min\u0002 */
const PLACEHOLDER = /\u0001(\d+):(\d+)\u0002/g;
const MAX_INLINE = 72;

/** A name, a number, or such followed by calls (…), indexing […] and attributes .T — needs no parentheses. */
export function isAtomic(code: string): boolean {
  let s = code.trim();
  if (/^\d+(\.\d+)?(e[+-]?\d+)?$/.test(s)) return true;
  for (;;) {
    if (/^[A-Za-z_]\w*$/.test(s)) return true;
    const attr = /\.[A-Za-z_]\w*$/.exec(s);
    if (attr) {
      s = s.slice(0, attr.index);
      continue;
    }
    const close = s[s.length - 1];
    if (close !== ')' && close !== ']') return false;
    const open = close === ')' ? '(' : '[';
    let depth = 0, i = s.length - 1;
    for (; i >= 0; i--) {
      if (s[i] === close) depth++;
      else if (s[i] === open && --depth === 0) break;
    }
    if (i === 0) return close === ')'; // one parenthesised group
    if (i < 0) return false;
    s = s.slice(0, i);
  }
}

/** The loosest operator at the top level of the code (CODE_PREC), 0 for anything unusual (comparisons, lambdas). */
export function codePrecedence(code: string): number {
  if (isAtomic(code)) return CODE_PREC.atom;
  let depth = 0, level: number = code.startsWith('-') ? CODE_PREC.mul : CODE_PREC.atom;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0 && ch === ' ') {
      const op = /^ (\*\*|[-+*/@]|[<>]=?|==|=>|\?|if) /.exec(code.slice(i))?.[1];
      if (!op) continue;
      const p = op === '**' ? CODE_PREC.pow : '*/@'.includes(op) ? CODE_PREC.mul : '+-'.includes(op) ? CODE_PREC.add : 0;
      level = Math.min(level, p);
    }
  }
  return level;
}

function dimCode(d: Dim, lang: Language, used: Set<string>): string {
  for (const s of d.syms) used.add(s);
  const parts = [...(d.coef !== 1 || d.syms.length === 0 ? [String(d.coef)] : []), ...d.syms.map((s) => lang.dimSymbol(s))];
  return parts.length === 1 ? parts[0] : `(${parts.join(' * ')})`;
}

/**
 * Emit the code computing `roots`. `names` gives the code of each symbol; `taken` are names a temporary
 * must not use (symbols, dimensions, the module's own names).
 */
export function emitBody(roots: readonly Expr[], lang: Language, names: (s: SymNode) => string, taken: ReadonlySet<string>): Body {
  const nodes: OpNode[] = [];
  const index = new Map<Expr, number>();
  const templates: string[] = [];
  const dims = new Set<string>();

  const ref = (e: Expr, min = 0): string => {
    if (e.kind === 'sym') return names(e);
    if (e.kind === 'num') {
      const s = lang.num(e.value);
      return codePrecedence(s) >= min ? s : `(${s})`;
    }
    let k = index.get(e);
    if (k === undefined) {
      const emit = opDef(e.op).emit?.[lang.target];
      if (!emit) throw new UnsupportedError(`the ${lang.target} target cannot express the operator ${e.op} (in ${toText(e)})`);
      const template = emit(e, ctx);
      k = nodes.length;
      nodes.push(e);
      templates.push(template);
      index.set(e, k);
    }
    return `${OPEN}${k}:${min}${CLOSE}`;
  };
  const ctx: EmitContext = { target: lang.target, lib: lang.lib, code: ref, dim: (d) => dimCode(d, lang, dims), num: lang.num, helper: lang.helper };
  const rootCodes = roots.map((r) => ref(r));

  // references: placeholders in the templates, plus one per root
  const refs = new Array<number>(nodes.length).fill(0);
  for (const t of [...templates, ...rootCodes]) for (const m of t.matchAll(PLACEHOLDER)) refs[Number(m[1])]++;

  const statements: string[] = [];
  const final: string[] = [];
  const isTemp: boolean[] = [];
  let nextE = 0, nextT = 0;
  const fresh = (prefix: 'E' | 't') => {
    for (;;) {
      const n = prefix === 'E' ? (nextE++ === 0 ? 'E' : `E${nextE - 1}`) : `t${++nextT}`;
      if (!taken.has(n)) return n;
    }
  };
  const substitute = (t: string) =>
    t.replace(PLACEHOLDER, (_, i, min) => {
      const j = Number(i);
      return isTemp[j] || codePrecedence(final[j]) >= Number(min) ? final[j] : `(${final[j]})`;
    });
  // templates were created children first, so one pass in creation order sees every child finished
  nodes.forEach((node, k) => {
    const code = substitute(templates[k]);
    const namedSum = node.op === 'add' && !isScalarShape(node.shape);
    if (refs[k] > 1 || namedSum || code.length > MAX_INLINE) {
      const name = fresh(namedSum ? 'E' : 't');
      const text = toText(node);
      const note = text.length <= 60 && text !== code ? `  ${lang.comment} ${text}` : '';
      statements.push(lang.assign(name, code) + note);
      final.push(name);
      isTemp.push(true);
    } else {
      final.push(code);
      isTemp.push(false);
    }
  });
  return { statements, results: rootCodes.map(substitute), dims };
}
