// The command line. Commands parse their options and call the app layer; nothing else lives here.
// Exit codes: 0 success / all verified, 1 a check or claim failed, 2 bad input or usage.
//
// Start-up time matters (every script and test pays it): this module loads only commander and the
// error classes. Each command's module, and with it the parser, the engine or KaTeX, is imported when
// the command runs (src/cli/<command>.ts).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CheckError, InputError, UnsupportedError } from '../expr/errors.js';
import { splitTopLevel } from '../lang/source.js';
import { fail, setJsonOutput } from './report.js';
import { readStdin, STDIN } from './stdin.js';

const list = (v: string) => splitTopLevel(v).map((s) => s.trim()).filter(Boolean);
const collect = (v: string, prev: string[] = []) => [...prev, v];
const seed = (v: string) => Number(v);
const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
};
const positive = (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('a positive number of seconds');
  return n;
};
const DOCUMENTS = 'derivation documents (*.matcalc) or directories of them; - reads one document from standard input';
const EXPR = 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2"; - reads it from standard input';

function program(): Command {
  const p = new Command('matcalc')
    .description('Matrix calculus you can check: gradients and Jacobians in denominator layout, verified by finite differences.')
    .version('0.1.0')
    .showHelpAfterError('(matcalc <command> --help shows the usage)')
    .exitOverride();

  p.command('derive')
    .description('derive gradients (scalar f) or vec-Jacobians (matrix F) and check them numerically')
    .argument('<expr>', EXPR)
    .requiredOption('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--wrt <vars>', 'variables, comma separated (default: every matrix or vector f depends on)', list)
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable); results use the name', collect)
    .option('--jacobian', 'derive ∇_{vec X} vec F, the Jacobian in denominator layout (for any F)')
    .option('--hessian', 'derive the Hessian: vec blocks, the bilinear form ∇²f[Δ,Δ] and Hessian-vector products')
    .option('--at <substitution>', 'evaluate at a point given by a substitution, e.g. "Y = W2*W1*X" (repeatable)', collect)
    .option('--assume <equation>', 'evaluate where an equation holds, e.g. "W2*W1*X - Y = 0" (repeatable)', collect)
    .addOption(
      new Option(
        '--steps [style]',
        'show the derivation step by step, each step justified by a rule from rules/ and checked: differential (df = … = ⟨G, dX⟩ ⇒ ∇_X f = G; with --hessian: d²f, every block, every HVP) or vec (∇_vec(X) f by vec/Kronecker rules, Zhou & Liang App. B); default: vec where its rules derive the gradient, else differential',
      ).choices(['differential', 'vec']),
    )
    .addOption(new Option('--format <format>', 'output format (md and html: a document with the results, derivations and the check)').choices(['text', 'latex', 'md', 'html', 'json']).default('text'))
    .option('--out <dir>', 'write a complete document into DIR instead of printing: derive.tex (standalone, pdflatex), derive.md, or derive.html with KaTeX\'s CSS and fonts in DIR/katex/ (--format latex, md or html)')
    .option('--no-check', 'skip the numerical check')
    .option('--seed <n>', 'seed of the random check points', seed)
    .action(async (expr: string, o) => (await import('./derive.js')).derive(await fromStdin(expr, 'expression'), o));

  p.command('verify')
    .description('verify a claimed derivative (--f … --wrt … --claim …), a relation (--claim "LHS <= RHS" or "LHS = RHS", no --f), or derivation documents (FILE…): VERIFIED/HOLDS (exit 0) or FALSE (exit 1) with a diagnosis or a counterexample')
    .argument('[files...]', DOCUMENTS)
    .option('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--f <expr>', 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2" (- reads it from standard input)')
    .option('--wrt <var>', 'the variable, e.g. W1')
    .option('--claim <expr>', "the claimed derivative, e.g. \"W2'*(W2*W1*X - Y)*X'\"; without --f, a relation such as \"norm(A*B) <= opnorm(A)*norm(B)\" (- reads it from standard input)")
    .option(
      '--kind <kind>',
      'grad: ∇_X f (shape of X); vecgrad: ∇_vec(X) f; jacobian: ∇_vec(X) vec(F); hessian: ∇_vec(X)∇_vec(X) f; hessian-form: ∇²f[dX, dX] in the direction dX (default: grad for scalar f, jacobian otherwise)',
    )
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable), usable in --f and --claim', collect)
    .option('--at <substitution>', 'without --f: evaluate the relation at points given by a substitution, e.g. "x = sqrt(eigval(M, 2))*eigvec(M, 2)" (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format (json: docs/json.md)').choices(['text', 'json']).default('text'))
    .option('--seed <n>', 'seed of the random check points', seed)
    .action(async (files: string[], o) => {
      if (o.f === STDIN && o.claim === STDIN) throw new InputError('only one of --f and --claim can read standard input (-)');
      const claim = { ...o, f: o.f && (await fromStdin(o.f, '--f')), claim: o.claim && (await fromStdin(o.claim, '--claim')) };
      await (await import('./verify.js')).verify(files, claim);
    });

  p.command('codegen')
    .description('write f and its gradients as a module: numpy, torch (PyTorch) or ts (TypeScript, no dependencies)')
    .argument('<expr>', EXPR)
    .requiredOption('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--wrt <vars>', 'variables, comma separated (default: every matrix or vector f depends on)', list)
    .requiredOption('--target <target>', 'numpy, torch or ts')
    .option('--sizes <sizes>', 'typical sizes for ordering matrix products, e.g. "n=60000, d=784" (default: every dimension 100)')
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable)', collect)
    .option('--no-check', 'skip the numerical check of the gradients')
    .option('--seed <n>', 'seed of the random check points', seed)
    .addOption(new Option('--format <format>', 'code: the module; json: the module and the check as JSON (docs/json.md)').choices(['code', 'json']).default('code'))
    .action(async (expr: string, o) => (await import('./codegen.js')).codegen(await fromStdin(expr, 'expression'), o));

  p.command('check')
    .description('verify every derivation document and render each (HTML, .tex, Markdown) with an index page')
    .argument('[paths...]', DOCUMENTS, ['derivations'])
    .option('--out <dir>', 'where the rendered pages go (- as a path: standard input, rendered as stdin.html)', 'docs/derivations')
    .addOption(new Option('--format <format>', 'what is printed: a line per document, or JSON (docs/json.md)').choices(['text', 'json']).default('text'))
    .option('--checkmarks', 'mark every checked line of the .tex files with ✓ (by default the .tex is the paper\'s text, without verdicts)')
    .action(async (paths: string[], o) => (await import('./check.js')).check(paths, o));

  p.command('serve')
    .description('the playground: a local web page to derive, verify and render as you type, and the JSON API (POST /api/derive|verify|check|codegen|render)')
    .option('--port <n>', 'the port (0: any free one)', port, 8080)
    .option('--host <host>', 'the address to listen on (other than 127.0.0.1, the page is reachable from other machines)', '127.0.0.1')
    .option('--timeout <seconds>', 'stop a request that computes longer than this', positive, 30)
    .action(async (o) => (await import('./serve.js')).serve(o));

  p.command('examples')
    .description("derive and check the seeds' objectives")
    .action(async () => (await import('./examples.js')).examples());
  return p;
}

/** `-` stands for standard input: the text read from it, else the argument itself. */
async function fromStdin(arg: string, what: string): Promise<string> {
  if (arg !== STDIN) return arg;
  const text = (await readStdin()).trim();
  if (!text) throw new InputError(`${what}: standard input (-) was empty`);
  return text;
}

const EXPRESSION_FIRST = new Set(['derive', 'codegen']);
const NEGATIVE_HINT = '(an expression that starts with a minus sign: put -- before it, e.g. matcalc derive --decl "x: n" -- -x\'*x)';

/**
 * An expression that starts with a minus sign (`-0.5*logdet(S) + …`) is taken as the expression when it
 * cannot be an option (it holds a character no option name has); it moves behind `--`, where commander
 * reads only arguments. Anything else that starts with `-` stays an option.
 */
function expressionsBehindDashes(p: Command, argv: readonly string[]): string[] {
  const cmd = p.commands.find((c) => c.name() === argv[0]);
  if (!cmd || !EXPRESSION_FIRST.has(cmd.name())) return [...argv];
  const takesValue = new Set(cmd.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter(Boolean) as string[]));
  const rest: string[] = [];
  const moved: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return [argv[0], ...rest, ...argv.slice(i), ...moved];
    if (takesValue.has(a)) rest.push(a, argv[++i]);
    else if (/^-[^-]/.test(a) && !/^-[A-Za-z]\w*$/.test(a)) moved.push(a);
    else rest.push(a);
  }
  return moved.length ? [argv[0], ...rest.filter((x) => x !== undefined), '--', ...moved] : [...argv];
}

export async function main(argv: string[]): Promise<void> {
  const json = argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
  setJsonOutput(json);
  const p = program();
  for (const c of p.commands.filter((c) => EXPRESSION_FIRST.has(c.name())))
    c.configureOutput({
      outputError: (s, write) => write(/unknown option '-(?!-)/.test(s) ? s.replace(/\n$/, `\n${NEGATIVE_HINT}\n`) : s),
    });
  try {
    await p.parseAsync(expressionsBehindDashes(p, argv), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message already
      const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0;
      process.exitCode = ok ? 0 : 2;
      if (!ok && json) process.stdout.write(JSON.stringify({ matcalc: 1, errors: [{ kind: 'usage', message: e.message }] }, null, 2) + '\n');
    } else if (e instanceof InputError) fail(2, 'input', e.message, e.detail, e.position);
    else if (e instanceof UnsupportedError) fail(2, 'unsupported', `not supported: ${e.message}`);
    else if (e instanceof CheckError) fail(1, 'check', e.message);
    else fail(1, 'internal', `internal error (please report it with the command line): ${(e as Error)?.message ?? String(e)}`);
  }
}
