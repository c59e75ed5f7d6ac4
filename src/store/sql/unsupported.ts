import type { Span } from '../../diag/span.js';

/**
 * A construct the SQL backend cannot express faithfully. The compiler never guesses: it stops with
 * this, and the caller falls back to the in-memory engine and says why.
 */
export interface Unsupported {
  readonly kind: 'Unsupported';
  /** What is not supported, e.g. `operator make-series`, `function series_decompose_anomalies`. */
  readonly feature: string;
  readonly reason: string;
  readonly span?: Span;
}

/** Thrown inside the compiler only; `compileProgram` turns it into an `Unsupported` result. */
export class UnsupportedError extends Error {
  constructor(
    readonly feature: string,
    readonly reason: string,
    readonly span?: Span,
  ) {
    super(`${feature}: ${reason}`);
  }
  toResult(): Unsupported {
    return this.span
      ? { kind: 'Unsupported', feature: this.feature, reason: this.reason, span: this.span }
      : { kind: 'Unsupported', feature: this.feature, reason: this.reason };
  }
}

/** Stops compilation with a named unsupported feature. */
export function unsupported(feature: string, reason: string, span?: Span): never {
  throw new UnsupportedError(feature, reason, span);
}
