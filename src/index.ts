// matcalc as a library (docs/api.md):
//   import { derive, verify, checkDocuments, codegen, render } from 'matcalc';
// Each function returns the object `--format json` prints, synchronously, and throws a MatcalcError on
// bad input.
export { derive, verify, checkDocuments, codegen, render, MatcalcError } from './api/api.js';
export type * from './api/types.js';
