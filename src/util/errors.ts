/**
 * Base error vocabulary. Every module exports its own subclasses (e.g. `OutOfOrderSampleError`);
 * context is added by wrapping with `cause`, and messages read "cannot <verb> <thing>: …".
 */
export class ArgusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A broken internal invariant: never the user's fault, always a bug to report. */
export class BugError extends ArgusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`BUG: ${message}`, options);
  }
}

/** Renders an error and its `cause` chain on one line: "a: b: c". */
export function errorChain(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; cur !== undefined && cur !== null && i < 8; i++) {
    if (cur instanceof Error) {
      // A wrapper that already quotes its cause's message does not repeat it.
      const msg = cur.message;
      if (!parts.some((p) => p.includes(msg))) parts.push(msg);
      cur = cur.cause;
    } else {
      parts.push(typeof cur === 'string' ? cur : JSON.stringify(cur));
      break;
    }
  }
  return parts.join(': ');
}
