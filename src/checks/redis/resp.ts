/**
 * A minimal RESP2 client over one socket: encodes commands as arrays of bulk strings and
 * reads replies one at a time, with a cap on buffered bytes. Enough for AUTH, SELECT, PING
 * and one small command; no pipelining, no pub/sub, no RESP3.
 */
import type { Socket } from 'node:net';
import { ArgusError } from '../../util/index.js';

/** An error reply (`-ERR …`): a value, not a throw, so the caller decides what it means. */
export class RespErrorReply {
  constructor(readonly text: string) {}
}
export type RespValue = string | number | null | RespErrorReply | RespValue[];

/** The server broke the protocol, closed early or sent more than allowed. */
export class RespProtocolError extends ArgusError {}

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a, 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

type Parsed = { value: RespValue; next: number } | undefined;

/** Parses one reply at `at`; undefined when `buf` does not hold all of it yet. */
export function parseReply(buf: Buffer, at = 0): Parsed {
  const eol = buf.indexOf(CRLF, at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (buf[at]) {
    case 0x2b: // +
      return { value: line, next };
    case 0x2d: // -
      return { value: new RespErrorReply(line), next };
    case 0x3a: // :
      return { value: parseLength(line, 'integer'), next };
    case 0x24: {
      // $
      const len = parseLength(line, 'bulk string length');
      if (len < 0) return { value: null, next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.toString('utf8', next, next + len), next: next + len + 2 };
    }
    case 0x2a: {
      // *
      const n = parseLength(line, 'array length');
      if (n < 0) return { value: null, next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new RespProtocolError(
        `cannot read redis reply: unexpected first byte ${JSON.stringify(String.fromCharCode(buf[at] ?? 0))}, want one of + - : $ *`,
      );
  }
}

function parseLength(text: string, what: string): number {
  if (!/^-?\d{1,12}$/.test(text))
    throw new RespProtocolError(`cannot read redis reply: bad ${what} ${JSON.stringify(text)}`);
  return Number(text);
}

/** One request at a time over a connected socket (the caller owns and destroys it). */
export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (v: RespValue) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(
    private readonly sock: Socket,
    private readonly maxBytes: number,
  ) {
    sock.on('data', (d: Buffer) => this.onData(d));
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () =>
      this.fail(new RespProtocolError('cannot read redis reply: connection closed by the server')),
    );
  }

  /** Sends a command and waits for its reply. Rejects on protocol or network failure. */
  command(args: readonly string[]): Promise<RespValue> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('BUG: RespClient is not pipelined'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.sock.write(encodeCommand(args));
      this.pump();
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    if (this.buf.length > this.maxBytes) {
      this.fail(
        new RespProtocolError(
          `cannot read redis reply: more than ${this.maxBytes} bytes (the body limit)`,
        ),
      );
      this.sock.destroy();
      return;
    }
    this.pump();
  }

  private pump(): void {
    if (!this.pending || this.buf.length === 0) return;
    let parsed: Parsed;
    try {
      parsed = parseReply(this.buf);
    } catch (err) {
      this.fail(err as Error);
      this.sock.destroy();
      return;
    }
    if (!parsed) return;
    this.buf = this.buf.subarray(parsed.next);
    const p = this.pending;
    this.pending = undefined;
    p.resolve(parsed.value);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.failure);
  }
}
