// Errors a user can act on. The CLI prints `message` (and `detail`) and exits 2; never a stack trace.

export class InputError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A shape mismatch: names the operator and both shapes. */
export class ShapeError extends InputError {
  override name = 'ShapeError';
}

/** Something the engine cannot do (yet). Said plainly instead of returning a wrong answer. */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}
