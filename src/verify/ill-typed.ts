// Repairs of a claim that cannot even be built (a shape mismatch inside it). Its text is edited — a
// transpose mark added or removed, factors of a product reordered (an outer product turned round), a
// matrix product made a Hadamard product or the reverse, Kronecker factors or a commutation matrix's
// indices swapped — and every edit that makes it well-typed *and* right is a finding. An edit that makes
// it well-typed but still wrong is handed to the mistake catalogue for a second slip.
import { parse as mathParse } from 'mathjs/number';
import type { MathNode } from 'mathjs';
import type { Expr } from '../expr/ast.js';
import type { Mat } from '../numeric/mat.js';
import { shapeEq } from '../expr/shape.js';
import { toText } from '../render/print.js';
import { attempt, type MistakeKind } from './catalogue.js';
import { holdsForAnySigma, type Diagnosis, type Evaluate, type Finding } from './diagnose.js';

type AnyNode = MathNode & Record<string, any>;

interface Edit {
  readonly text: string;
  readonly kinds: readonly MistakeKind[];
  /** what was changed: "with `W2'` for `W2` (column 1)" */
  readonly change: string;
  /** the slip's name: "missing transpose" */
  readonly name: string;
}

const MAX_SECOND_STAGE = 8;

/** mathjs prints A * B; the input language's printer writes A*B. */
const tidy = (text: string) => text.replace(/ \* /g, '*');

/** The one-character transpose edits of the text, with the column of the name they touch. */
function transposeEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  const token = (end: number) => {
    let start = end;
    if (text[end - 1] === ')') {
      for (let depth = 0; start > 0; ) {
        const ch = text[--start];
        if (ch === ')') depth++;
        else if (ch === '(' && --depth === 0) break;
      }
      while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
    } else while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
    return { start, word: text.slice(start, end) };
  };
  for (let i = 1; i <= text.length; i++) {
    const endsName = /[A-Za-z0-9_]/.test(text[i - 1]) && !/[A-Za-z0-9_(]/.test(text[i] ?? '');
    if (endsName || text[i - 1] === ')') {
      const { start, word } = token(i);
      if (!/^\d/.test(word))
        edits.push({ text: text.slice(0, i) + "'" + text.slice(i), kinds: ['dropped-transpose'], name: 'missing transpose', change: `with \`${word}'\` for \`${word}\` (column ${start + 1})` });
    }
    if (text[i - 1] === "'") {
      const { start, word } = token(i - 1);
      edits.push({ text: text.slice(0, i - 1) + text.slice(i), kinds: ['extra-transpose'], name: 'transpose too many', change: `with \`${word}\` for \`${word}'\` (column ${start + 1})` });
    }
  }
  return edits;
}

const isOperator = (n: AnyNode, op: string) => n.type === 'OperatorNode' && n.op === op && n.args.length === 2;

/** The text without parentheses around the whole of it: ((A .* B)) → A .* B. */
function bare(text: string): string {
  for (;;) {
    if (text[0] !== '(') return text;
    let depth = 0, end = -1;
    for (let i = 0; i < text.length && end < 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) end = i;
    }
    if (end !== text.length - 1) return text;
    text = text.slice(1, -1);
  }
}

/** The factors of a left-nested chain a*b*c (mathjs reads it as (a*b)*c). */
function chain(n: AnyNode, op: string): AnyNode[] {
  return isOperator(n, op) ? [...chain(n.args[0], op), n.args[1]] : [n];
}

/** A factor's text transposed: A' → A, (A*B) → (A*B)'. */
function transposed(n: AnyNode): string {
  if (n.type === 'OperatorNode' && n.fn === 'ctranspose') return n.args[0].toString();
  const t = n.toString();
  return ['SymbolNode', 'FunctionNode', 'ParenthesisNode', 'AccessorNode'].includes(n.type) ? `${t}'` : `(${t})'`;
}

/** Edits of the parse tree: factors reordered, products of the other kind, arguments swapped. */
function treeEdits(text: string): Edit[] {
  let root: AnyNode;
  try {
    root = mathParse(text.replace(/\.\./g, ':')) as AnyNode;
  } catch {
    return [];
  }
  const edits: Edit[] = [];
  const replaced = (target: AnyNode, by: string) => tidy(root.toString({ handler: (n: AnyNode) => (n === target ? by : undefined) }));
  const add = (target: AnyNode, by: string, kinds: MistakeKind[], name: string) =>
    edits.push({ text: replaced(target, by), kinds, name, change: `with \`${tidy(bare(by))}\` for \`${tidy(target.toString())}\`` });
  root.traverse((n: AnyNode, _path: string, parent: AnyNode | null) => {
    // a maximal chain of * (or .*): its top node, not the left argument of another of the same operator
    for (const op of ['*', '.*'] as const) {
      if (!isOperator(n, op) || (parent && isOperator(parent, op) && parent.args[0] === n)) continue;
      const fs = chain(n, op);
      const texts = fs.map((f) => f.toString());
      const join = (parts: string[]) => `(${parts.join(` ${op} `)})`;
      if (op === '*') {
        for (let a = 0; a < fs.length; a++)
          for (let b = a + 1; b < fs.length; b++)
            for (let c = b + 1; c <= fs.length; c++)
              add(n, join([...texts.slice(0, a), ...texts.slice(b, c), ...texts.slice(a, b), ...texts.slice(c)]), ['swapped-factors'], 'factors in the wrong order');
        if (fs.length > 2) add(n, join([...texts].reverse()), ['swapped-factors'], 'factors in the wrong order');
        for (let i = 0; i + 1 < fs.length; i++)
          add(n, join([...texts.slice(0, i), `${transposed(fs[i + 1])} * ${transposed(fs[i])}`, ...texts.slice(i + 2)]), ['swapped-factors'], 'outer product the wrong way round');
      }
      for (let i = 0; i + 1 < fs.length; i++) {
        const other = op === '*' ? '.*' : '*';
        add(n, join([...texts.slice(0, i), `(${texts[i]} ${other} ${texts[i + 1]})`, ...texts.slice(i + 2)]), [op === '*' ? 'product-for-hadamard' : 'hadamard-for-product'], op === '*' ? 'matrix product for a Hadamard product' : 'Hadamard product for a matrix product');
      }
    }
    if (n.type === 'FunctionNode' && ['kron', 'commutation'].includes(n.fn?.name) && n.args.length === 2) {
      const swapped = `${n.fn.name}(${n.args[1].toString()}, ${n.args[0].toString()})`;
      add(n, swapped, [n.fn.name === 'kron' ? 'kron-swap' : 'commutation-swap'], n.fn.name === 'kron' ? 'Kronecker factors swapped' : 'commutation matrix with its indices swapped');
    }
  });
  return edits;
}

/**
 * Findings for an ill-typed claim: the edits of its text that make it well-typed and right (one slip), or
 * well-typed with one more slip the catalogue names (`explain`: the typed diagnosis of the edited claim).
 * `read` parses a text, or returns undefined when it does not parse or is ill-typed.
 */
export function repairIllTyped(
  text: string,
  read: (text: string) => Expr | undefined,
  truth: Expr,
  evaluate: Evaluate,
  close: (a: readonly Mat[], b: readonly Mat[]) => boolean,
  explain: (claim: Expr) => Diagnosis | undefined,
): Finding[] {
  const t = evaluate(truth);
  if (!t) return [];
  const singles: Finding[] = [];
  const typed: { edit: Edit; expr: Expr }[] = [];
  const seen = new Set<string>();
  for (const edit of [...transposeEdits(text), ...treeEdits(text)]) {
    if (seen.has(edit.text)) continue;
    seen.add(edit.text);
    const e = attempt(() => read(edit.text));
    if (!e || !shapeEq(e.shape, truth.shape)) continue;
    const v = evaluate(e);
    if (!v) continue;
    if (close(v, t) && holdsForAnySigma([e, truth], evaluate, close)) singles.push({ kinds: edit.kinds, sentence: `${edit.name}: ${edit.change} the claim is well-typed and right`, slips: 1, corrected: e, witness: [e, truth] });
    else typed.push({ edit, expr: e });
  }
  if (singles.length) return dedupe(singles);
  const doubles: Finding[] = [];
  for (const { edit, expr } of typed.slice(0, MAX_SECOND_STAGE)) {
    const d = explain(expr);
    for (const f of d?.findings ?? [])
      if (f.slips === 1)
        doubles.push({
          kinds: [...new Set([...edit.kinds, ...f.kinds])],
          sentence: `two slips: ${edit.name}: ${edit.change} the claim is well-typed (${edit.text}); and then ${f.sentence}`,
          slips: 2,
          ...(f.corrected ? { corrected: f.corrected } : {}),
          witness: f.witness,
        });
  }
  return dedupe(doubles).slice(0, 3);
}

function dedupe(fs: Finding[]): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of fs) {
    const key = f.corrected ? toText(f.corrected) + '|' + f.kinds.join() : f.sentence;
    if (!out.has(key)) out.set(key, f);
  }
  return [...out.values()];
}
