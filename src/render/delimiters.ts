// How LaTeX delimiters are typeset lives with the operators' LaTeX hooks (src/ops/delimiters.ts); the
// renderers import it from here.
export * from '../ops/delimiters.js';
