// The command line. Commands parse their options and call the app layer; nothing else lives here.
// Exit codes: 0 success / all verified, 1 a check or claim failed, 2 bad input or usage.
import { Command, CommanderError, Option } from 'commander';
import { InputError, UnsupportedError } from '../expr/errors.js';
import { CheckError } from '../check/derivative.js';
import { runDerive } from '../app/derive.js';
import { runCodegen } from '../app/codegen.js';
import { EXAMPLES } from '../app/examples.js';
import { formatLatex, formatText, toJson } from '../render/derive-output.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const collect = (v: string, prev: string[] = []) => [...prev, v];

function program(): Command {
  const p = new Command('matcalc')
    .description('Matrix calculus you can check: gradients and Jacobians in denominator layout, verified by finite differences.')
    .version('0.1.0')
    .showHelpAfterError('(matcalc <command> --help shows the usage)')
    .exitOverride();

  p.command('derive')
    .description('derive gradients (scalar f) or vec-Jacobians (matrix F) and check them numerically')
    .argument('<expr>', 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2"')
    .requiredOption('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--wrt <vars>', 'variables, comma separated (default: every matrix or vector f depends on)', list)
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable); results use the name', collect)
    .option('--jacobian', 'derive ∇_{vec X} vec F, the Jacobian in denominator layout (for any F)')
    .addOption(new Option('--hessian', 'derive the Hessian (not yet available)').hideHelp())
    .addOption(new Option('--steps', 'show the derivation step by step (not yet available)').hideHelp())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'latex', 'json']).default('text'))
    .option('--no-check', 'skip the numerical check')
    .option('--seed <n>', 'seed of the random check points', (v) => Number(v))
    .action((expr: string, o) => {
      if (o.hessian) throw new UnsupportedError('--hessian is not available in this version: Hessians are the next step of the engine (issue: Hessians)');
      if (o.steps) throw new UnsupportedError('--steps is not available in this version: step-by-step derivations come with the rules engine');
      const out = runDerive({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, jacobian: o.jacobian, check: o.check, seed: o.seed });
      const text = o.format === 'json' ? JSON.stringify(toJson(out), null, 2) + '\n' : o.format === 'latex' ? formatLatex(out) : formatText(out);
      process.stdout.write(text);
      if (out.verdict && !out.verdict.passed) process.exitCode = 1;
    });

  p.command('codegen')
    .description('write f and its gradients as a module: numpy, torch (PyTorch) or ts (TypeScript, no dependencies)')
    .argument('<expr>', 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2"')
    .requiredOption('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--wrt <vars>', 'variables, comma separated (default: every matrix or vector f depends on)', list)
    .requiredOption('--target <target>', 'numpy, torch or ts')
    .option('--sizes <sizes>', 'typical sizes for ordering matrix products, e.g. "n=60000, d=784" (default: every dimension 100)')
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable)', collect)
    .option('--no-check', 'skip the numerical check of the gradients')
    .option('--seed <n>', 'seed of the random check points', (v) => Number(v))
    .action((expr: string, o) => {
      const out = runCodegen({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, target: o.target, sizes: o.sizes, check: o.check, seed: o.seed });
      const v = out.derived.verdict;
      if (v && !v.passed) {
        fail(1, `the derived gradient failed its numerical check (max relative error ${v.maxError.toExponential(2)}); no code written`);
        return;
      }
      process.stdout.write(out.code);
    });

  p.command('examples')
    .description("derive and check the seeds' objectives (the main job until derivation documents exist)")
    .action(() => {
      let failed = 0;
      for (const ex of EXAMPLES) {
        const out = runDerive(ex);
        process.stdout.write(`── ${ex.title} (${ex.source})\n`);
        process.stdout.write(formatText(out).replace(/^/gm, '   ').replace(/ +$/gm, '') + '\n');
        if (!out.verdict?.passed) failed++;
      }
      process.stdout.write(`${EXAMPLES.length - failed} of ${EXAMPLES.length} examples checked${failed ? `, ${failed} FAILED` : ''}\n`);
      if (failed) process.exitCode = 1;
    });
  return p;
}

function fail(code: number, message: string, detail?: string): void {
  process.stderr.write(`matcalc: ${message}\n${detail ? detail + '\n' : ''}`);
  process.exitCode = code;
}

export function main(argv: string[]): void {
  try {
    program().parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message already
      process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
    } else if (e instanceof InputError) fail(2, e.message, e.detail);
    else if (e instanceof UnsupportedError) fail(2, `not supported: ${e.message}`);
    else if (e instanceof CheckError) fail(1, `check could not run: ${e.message}`);
    else fail(1, `internal error (please report it with the command line): ${(e as Error)?.message ?? String(e)}`);
  }
}

