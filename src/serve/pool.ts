// The workers that run the engine for `matcalc serve`. The engine is synchronous: a request runs in a
// worker thread, so the server keeps answering while it computes, several requests run at once, and one
// that takes longer than the limit is stopped by terminating its worker (a new one takes its place).
import { Worker } from 'node:worker_threads';

export interface Job {
  readonly endpoint: string;
  readonly body: unknown;
}

/** What a worker answers: an HTTP status and the JSON body. */
export interface Answer {
  readonly status: number;
  readonly json: unknown;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Waiting {
  readonly job: Job;
  readonly done: (a: Answer) => void;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private closed = false;

  constructor(
    private readonly script: URL,
    private readonly size: number,
    private readonly timeoutMs: number,
  ) {}

  run(job: Job): Promise<Answer> {
    return new Promise((done) => {
      this.queue.push({ job, done });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private next(): void {
    if (this.closed || !this.queue.length) return;
    let slot = this.slots.find((s) => !s.busy);
    if (!slot && this.slots.length < this.size) {
      slot = { worker: new Worker(this.script), busy: false };
      this.slots.push(slot);
    }
    if (!slot) return;
    this.start(slot, this.queue.shift()!);
  }

  private start(slot: Slot, { job, done }: Waiting): void {
    slot.busy = true;
    const w = slot.worker;
    const finish = (a: Answer) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      done(a);
    };
    const onMessage = (a: Answer) => {
      finish(a);
      slot.busy = false;
      this.next();
    };
    // a crashed or stopped worker is replaced by a fresh one for the next request
    const replace = () => {
      void w.terminate();
      this.slots.splice(this.slots.indexOf(slot), 1);
      this.next();
    };
    const onError = (e: Error) => {
      finish({ status: 500, json: { matcalc: 1, errors: [{ kind: 'internal', message: `internal error (please report it): ${e.message}` }] } });
      replace();
    };
    const timer = setTimeout(() => {
      const seconds = this.timeoutMs / 1000;
      finish({ status: 503, json: { matcalc: 1, errors: [{ kind: 'timeout', message: `stopped after ${seconds} s (the time limit of a request; matcalc serve --timeout changes it)` }] } });
      replace();
    }, this.timeoutMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.postMessage(job);
  }
}
