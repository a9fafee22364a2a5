// Positions in an expression read as a tree: a path is the list of argument indices from the root.
// Where the DAG shares a node (hash-consing), each occurrence is its own position, so one occurrence
// can be changed without touching the others — what a person means by "this A in that product".
import { Expr, withArgs } from './ast.js';

export type Path = readonly number[];

export interface Position {
  readonly path: Path;
  readonly node: Expr;
}

/** Every position, root first (pre-order); stops after `limit` positions. */
export function positions(root: Expr, limit = 5000): Position[] {
  const out: Position[] = [];
  const visit = (node: Expr, path: number[]) => {
    if (out.length >= limit) return;
    out.push({ path, node });
    if (node.kind === 'op') node.args.forEach((a, i) => visit(a, [...path, i]));
  };
  visit(root, []);
  return out;
}

/** The nodes on the way from the root to a position, the root first, the position itself excluded. */
export function ancestors(root: Expr, path: Path): Expr[] {
  const out: Expr[] = [];
  let node = root;
  for (const i of path) {
    out.push(node);
    if (node.kind !== 'op') throw new Error(`no argument ${i} at a leaf`);
    node = node.args[i];
  }
  return out;
}

/** The expression with the node at `path` replaced; operators re-check shapes (a ShapeError when it no longer fits). */
export function replaceAt(root: Expr, path: Path, replacement: Expr): Expr {
  if (path.length === 0) return replacement;
  if (root.kind !== 'op') throw new Error(`no argument ${path[0]} at a leaf`);
  const [i, ...rest] = path;
  return withArgs(root, root.args.map((a, j) => (j === i ? replaceAt(a, rest, replacement) : a)));
}
