// The functions of the input language, read from the operator registry: each operator module declares
// the functions that build it (src/ops/*, `functions`). The parser adds only its special forms:
// prod(j = a..b, …) and sum(j = a..b, …) over index ranges, and dNsigma for any N.
import '../ops/index.js';
import { languageFunctions, type LangFunction } from '../ops/registry.js';

export type { ArgKind, LangFunction } from '../ops/registry.js';

export const FUNCTIONS: ReadonlyMap<string, LangFunction> = languageFunctions();

/** dNsigma for any N (σ⁽ᴺ⁾). */
export function sigmaDerivative(name: string): number | undefined {
  const m = /^d(\d+)sigma$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(FUNCTIONS.keys());
