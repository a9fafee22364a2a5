// The compiled evaluator: an expression DAG compiled once, for given sizes, into a flat list of
// instructions over preallocated buffers, then run at many points — code generation to closures, for
// evaluating at large sizes (the benchmarks compare it with mathjs and plain loops). The checking kernel
// does not use it: it evaluates with the tree-walking Evaluator (src/numeric/evaluate.ts), which reads
// only the kernel's table of numeric meanings. Compared with that evaluator:
// - products are re-associated for the fewest flops at these sizes (lower.ts);
// - each node is an instruction: an in-place typed-array kernel from its operator module (the `kernel`
//   hook), or the operator's numeric meaning for the rare ones without (inv, det, kron, …);
// - transposes inside products are read in place, vec/unvec and transposed vectors are views;
// - subexpressions without variables (eye(n), ones(m, n)) are computed once, at compile time;
// - buffers are reused: a temporary's buffer goes back to a pool after its last use.
// It implements the same EvalContext, so kink/domain tracking (kinkDistance) works as in Evaluator.
import type { Expr, OpNode } from '../expr/ast.js';
import { Dim, dimValue } from '../expr/dim.js';
import { associateProducts } from './lower.js';
import { opDef, type EvalContext, type Kernel } from '../ops/registry.js';
import { Evaluator } from '../numeric/evaluate.js';
import { Mat } from '../numeric/mat.js';
import { meaningOf } from '../numeric/meanings.js';

interface Slot {
  readonly rows: number;
  readonly cols: number;
  /** index into the run's buffer table */
  buf: number;
}

interface Instruction {
  readonly out: number;
  readonly inputs: readonly number[];
  readonly run: (out: Float64Array, ins: readonly Float64Array[], ctx: EvalContext) => void;
}

export interface Compiled extends EvalContext {
  /** the roots' values at a point (fresh copies: safe to keep across runs) */
  run(values: ReadonlyMap<string, Mat>): Mat[];
  /** the smallest distance of an argument of a non-smooth function from its kink, in the last run */
  readonly kinkDistance: number;
  readonly instructions: number;
  /** buffers allocated for temporaries (fewer than instructions when they are reused) */
  readonly buffers: number;
}

export function compile(roots: readonly Expr[], sizes: ReadonlyMap<string, number>): Compiled {
  const size = (d: Dim) => dimValue(d, sizes);
  const lowered = associateProducts(roots, size);
  const slots: Slot[] = [];
  const slotOf = new Map<Expr, number>();
  const program: Instruction[] = [];
  const inputs: { name: string; slot: number }[] = [];
  const constants: { slot: number; data: Float64Array }[] = [];
  const constant = new Evaluator({ sizes, values: new Map() });
  const kctx = { rows: (e: Expr) => size(e.shape.rows), cols: (e: Expr) => size(e.shape.cols), size };

  const newSlot = (e: Expr): number => {
    slots.push({ rows: kctx.rows(e), cols: kctx.cols(e), buf: -1 });
    slotOf.set(e, slots.length - 1);
    return slots.length - 1;
  };
  const aliases = new Map<number, number>(); // view slot → slot it views

  const build = (e: Expr): number => {
    const hit = slotOf.get(e);
    if (hit !== undefined) return hit;
    if (e.kind === 'sym') {
      const s = newSlot(e);
      inputs.push({ name: e.delta ? 'd' + e.name : e.name, slot: s });
      return s;
    }
    if (e.kind === 'num' || (e.vars.size === 0 && !e.hasDelta)) {
      const v = constant.eval(e);
      const s = newSlot(e);
      constants.push({ slot: s, data: Float64Array.from(v.data) });
      return s;
    }
    const node: OpNode = e;
    const def = opDef(node.op);
    const kernel: Kernel | undefined = def.kernel?.(node, kctx);
    if (kernel) {
      const ins = kernel.inputs.map(build);
      const s = newSlot(e);
      if (kernel.alias !== undefined) aliases.set(s, ins[kernel.alias]);
      else program.push({ out: s, inputs: ins, run: kernel.run });
      return s;
    }
    const evaluate = meaningOf(node.op);
    const ins = node.args.map(build);
    const s = newSlot(e);
    const shapes = ins.map((i) => slots[i]);
    program.push({
      out: s,
      inputs: ins,
      run(out, xs, ctx) {
        const args = xs.map((x, i) => new Mat(shapes[i].rows, shapes[i].cols, x));
        out.set(evaluate(node, args, ctx).data);
      },
    });
    return s;
  };
  const rootSlots = lowered.map(build);

  // buffers: inputs and constants have their own; temporaries share through a pool by length
  const buffers: (Float64Array | null)[] = [];
  for (const { slot } of inputs) slots[slot].buf = buffers.push(null) - 1;
  for (const { slot, data } of constants) slots[slot].buf = buffers.push(data) - 1;
  const base = (s: number): number => (aliases.has(s) ? base(aliases.get(s)!) : s);
  // the last instruction reading each slot, through views
  const lastUse = new Map<number, number>();
  program.forEach((ins, i) => ins.inputs.forEach((s) => lastUse.set(base(s), i)));
  for (const r of rootSlots) lastUse.set(base(r), Infinity);
  const pool = new Map<number, number[]>();
  const temporaries = new Set<number>();
  program.forEach((ins, i) => {
    const slot = slots[ins.out];
    const len = slot.rows * slot.cols;
    const free = pool.get(len);
    slot.buf = free?.length ? free.pop()! : buffers.push(new Float64Array(len)) - 1;
    temporaries.add(slot.buf);
    // release what this instruction read for the last time (and its own value, if nothing reads it)
    for (const s of new Set([...ins.inputs.map(base), ins.out])) {
      const b = slots[s].buf;
      if ((lastUse.get(s) ?? i) === i && temporaries.has(b)) {
        const l = slots[s].rows * slots[s].cols;
        if (!pool.has(l)) pool.set(l, []);
        pool.get(l)!.push(b);
      }
    }
  });
  for (const [view, of] of aliases) slots[view].buf = slots[base(of)].buf;

  const table = buffers as Float64Array[];
  const argLists = program.map((ins) => ins.inputs.map(() => table[0]));
  const compiled = {
    kinkDistance: Infinity,
    instructions: program.length,
    buffers: temporaries.size,
    size,
    kink(d: number) {
      if (d < compiled.kinkDistance) compiled.kinkDistance = d;
    },
    run(values: ReadonlyMap<string, Mat>): Mat[] {
      for (const { name, slot } of inputs) {
        const v = values.get(name);
        const s = slots[slot];
        if (!v) throw new Error(`no value for ${name}`);
        if (v.rows !== s.rows || v.cols !== s.cols) throw new Error(`${name} is ${v.rows}×${v.cols}, compiled for ${s.rows}×${s.cols}`);
        table[s.buf] = v.data;
      }
      compiled.kinkDistance = constant.kinkDistance;
      for (let i = 0; i < program.length; i++) {
        const ins = program[i], args = argLists[i];
        for (let j = 0; j < args.length; j++) args[j] = table[slots[ins.inputs[j]].buf];
        ins.run(table[slots[ins.out].buf], args, compiled);
      }
      return rootSlots.map((r) => new Mat(slots[r].rows, slots[r].cols, Float64Array.from(table[slots[r].buf])));
    },
  };
  return compiled;
}
