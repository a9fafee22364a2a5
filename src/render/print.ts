// The printers drive the operators' own text and LaTeX hooks, so they live with them (src/ops/print.ts);
// the renderers import them from here.
export * from '../ops/print.js';
