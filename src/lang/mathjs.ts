// mathjs's parser alone. Importing `parse` from 'mathjs/number' would build every mathjs function at
// start-up (about 0.3 s); `create` with the parser's dependencies builds only the parser, and the bundle
// (scripts/bundle.mjs) keeps only the code these need. One-letter names stay symbols: no evaluator here.
import { create, parseDependencies } from 'mathjs/number';

export const { parse: mathParse } = create({ parseDependencies });
