// How a command reports an error: one message on stderr and an exit code; with --format json, also the
// error as JSON on stdout (docs/json.md#errors).
import type { InputPosition } from '../expr/errors.js';

let jsonOutput = false;

export function setJsonOutput(on: boolean): void {
  jsonOutput = on;
}

export function fail(code: number, kind: string, message: string, detail?: string, position?: InputPosition): void {
  process.stderr.write(`matcalc: ${message}\n${detail ? detail + '\n' : ''}`);
  if (jsonOutput) process.stdout.write(JSON.stringify({ matcalc: 1, errors: [{ kind, message, ...(detail ? { detail } : {}), ...(position ? { position } : {}) }] }, null, 2) + '\n');
  process.exitCode = code;
}
