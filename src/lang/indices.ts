// Index expressions in the input language: W[k+1], n[k-1], the bounds of prod(j = l..k+1, …). An index
// is an integer expression, affine in index variables; anything else is an error with its position.
import type { MathNode } from 'mathjs';
import { mathParse } from './mathjs.js';
import { Idx, IndexVar, idxConst, idxLinear, idxOf, isConstIdx } from '../expr/indices.js';

type AnyNode = MathNode & Record<string, any>;

export type IndexLookup = (name: string) => IndexVar | undefined;

export const INDEX_HELP = 'an index is an integer expression in index variables, such as 2, k, k+1 or l-k';

export function indexFromNode(n: AnyNode, lookup: IndexLookup, fail: (n: AnyNode, message: string) => Error): Idx {
  const go = (m: AnyNode): Idx => {
    switch (m.type) {
      case 'ParenthesisNode':
        return go(m.content);
      case 'ConstantNode':
        if (typeof m.value !== 'number' || !Number.isInteger(m.value)) throw fail(m, `${String(m.value)} is not an integer; ${INDEX_HELP}`);
        return idxConst(m.value);
      case 'SymbolNode': {
        const v = lookup(m.name);
        if (!v)
          throw fail(m, `the index ${m.name} is not bound: declare it (an index "${m.name} in 1..l", or a depth "${m.name} >= 1") or bind it in prod(${m.name} = …, …) or sum(${m.name} = …, …)`);
        return idxOf(v);
      }
      case 'OperatorNode': {
        const a = m.args.map(go);
        switch (m.fn) {
          case 'add': return idxLinear([[a[0], 1], [a[1], 1]]);
          case 'subtract': return idxLinear([[a[0], 1], [a[1], -1]]);
          case 'unaryMinus': return idxLinear([[a[0], -1]]);
          case 'unaryPlus': return a[0];
          case 'multiply':
            if (isConstIdx(a[0])) return idxLinear([[a[1], a[0].c]]);
            if (isConstIdx(a[1])) return idxLinear([[a[0], a[1].c]]);
            throw fail(m, `a product of two index variables is not an index; ${INDEX_HELP}`);
        }
      }
    }
    throw fail(m, INDEX_HELP);
  };
  return go(n);
}

/** Parse the text of an index (in declarations): "k-1". */
export function parseIndexText(text: string, lookup: IndexLookup, fail: (message: string) => Error): Idx {
  let node: AnyNode;
  try {
    node = mathParse(text) as AnyNode;
  } catch {
    throw fail(`"${text}" is not an index; ${INDEX_HELP}`);
  }
  return indexFromNode(node, lookup, (_n, msg) => fail(msg));
}

/** "l..k+1" (or "l:k+1") → the two bounds' texts. */
export function splitRange(text: string): [string, string] | undefined {
  const m = /^(.+?)(?:\.\.|:)(.+)$/.exec(text.trim());
  return m ? [m[1].trim(), m[2].trim()] : undefined;
}
