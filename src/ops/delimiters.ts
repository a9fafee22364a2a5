// Delimiters as a person typesets them: plain ( ) around flat content, \left( \right) only around
// content that is taller than a line of text (a fraction, a big operator, a nested \left…\right). A plain
// parenthesis after an operator name also prints tight, vec(e), where \left( leaves a thin space.

/** LaTeX that prints taller than text: it needs delimiters that grow with it. */
const TALL = /\\(frac|sum|prod|left|bigl|Bigl|sqrt|stackrel)(?![A-Za-z])|\\nabla\^/;

export function isTall(content: string): boolean {
  return TALL.test(content);
}

/**
 * `open content close`, with \left/\right when the content is tall. `open`/`close` are delimiters as
 * \left takes them: "(" ")", "[" "]", "\\|" "\\|", "\\langle" "\\rangle".
 */
export function delimit(content: string, open = '(', close = ')'): string {
  if (!isTall(content)) return `${open}${/^\\[A-Za-z]+$/.test(open) ? ' ' : ''}${content}${close}`;
  return `\\left${open}${/^\\[A-Za-z]+$/.test(open) ? ' ' : ''}${content}\\right${close}`;
}
