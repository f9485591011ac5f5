import { ArgusError } from '../util/index.js';

/** Template text that Go's text/template would reject; the message reads "template: NAME:LINE:COL: ...". */
export class TemplateParseError extends ArgusError {}

/**
 * A template failed while running: a function error, a bad field, a type mismatch or a limit
 * hit. The message reads `template: NAME:LINE:COL: executing "NAME" at <NODE>: ...` like Go's.
 */
export class TemplateExecError extends ArgusError {
  constructor(
    message: string,
    readonly template: string,
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by a TemplateFunc (or a builtin) to report a failure with Go's wording. */
export class TemplateFuncError extends ArgusError {}
