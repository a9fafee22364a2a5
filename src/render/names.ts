// How symbol names and numbers print lives in src/expr/names.ts (the operators print them too); the
// renderers import it from here.
export * from '../expr/names.js';
