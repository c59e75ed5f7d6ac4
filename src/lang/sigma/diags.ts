import type { Diagnostic, Severity } from '../../diag/diagnostic.js';
import type { Span } from '../../diag/span.js';

/**
 * Collects diagnostics for one file: every one gets the file and source text, so it renders as
 * `file:line:col` with a caret line.
 * @example new Diags(list, 'r.yml', text).add(SIG.badLevel, 'error', "invalid level 'x'", span)
 */
export class Diags {
  constructor(
    readonly list: Diagnostic[],
    readonly file: string,
    readonly source: string,
  ) {}
  add(code: string, severity: Severity, message: string, span?: Span, hint?: string): void {
    this.list.push({
      code,
      severity,
      message,
      file: this.file,
      source: this.source,
      ...(span ? { span } : {}),
      ...(hint ? { hint } : {}),
    });
  }
}
