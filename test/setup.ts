// The operators register themselves when src/ops/index.ts is imported; the program's entry points do it
// through the parser (src/lang/functions.ts), and tests that build expressions directly get it here.
import '../src/ops/index.js';
