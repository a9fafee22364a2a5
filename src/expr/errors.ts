// Errors a user can act on. The CLI prints `message` (and `detail`) and exits 2; never a stack trace.

/** Where in the user's input an error is: which input (`expression`, `declarations`, …) and the 1-based columns. */
export interface InputPosition {
  readonly input: string;
  readonly column: number;
  readonly endColumn: number;
}

export class InputError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
    readonly position?: InputPosition,
  ) {
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

/** A numerical check that did not hold where the command needs it to (codegen writes nothing): exit 1, not bad input. */
export class CheckError extends Error {}
