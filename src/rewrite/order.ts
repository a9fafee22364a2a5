// The structural order of terms and factors lives with the AST (src/expr/order.ts), which the operators'
// simplifications use; re-exported for the rewriting code.
export * from '../expr/order.js';
