import { ArgusError } from '../util/index.js';

/** A request body could not be read (too large, aborted). Carries the HTTP status. */
export class BodyError extends ArgusError {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Collects a raw body up to `max` bytes for a content-type parser; refuses from Content-Length
 * alone when it says more. `what` names the request in errors (`remote_write request`).
 */
export function readBody(
  what: string,
  payload: NodeJS.ReadableStream,
  contentLength: string | undefined,
  max: number,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const tooLarge = (n: string) =>
    new BodyError(413, `cannot read ${what}: body of ${n} bytes exceeds max_body_bytes ${max}`);
  if (contentLength !== undefined && Number(contentLength) > max) {
    done(tooLarge(contentLength));
    return;
  }
  const parts: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | null, body?: Buffer) => {
    if (finished) return;
    finished = true;
    payload.removeListener('data', onData);
    done(err, body);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > max) {
      finish(tooLarge(`more than ${max}`));
      return;
    }
    parts.push(chunk);
  };
  payload.on('data', onData);
  payload.on('end', () => finish(null, Buffer.concat(parts, size)));
  payload.on('error', (err: Error) =>
    finish(new BodyError(400, `cannot read ${what}: ${err.message}`)),
  );
}
