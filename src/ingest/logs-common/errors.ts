import { ArgusError } from '../../util/index.js';

/**
 * A log push request was refused as a whole by its decoder. `status` is the HTTP status to
 * answer with: 400 bad data (do not retry), 413 too large, 415 unknown encoding.
 */
export class LogInputError extends ArgusError {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
