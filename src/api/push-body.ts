import { gunzipSync } from 'node:zlib';
import { BodyError } from './body.js';

/** How much of a value an error message echoes: enough to recognise it, not a 70 KB body. */
const ECHO_CHARS = 100;

/** `s` itself when short, else its first 100 characters and its size (`…(70000 bytes)`). */
export function truncate(s: string): string {
  if (s.length <= ECHO_CHARS) return s;
  return `${s.slice(0, ECHO_CHARS)}…(${Buffer.byteLength(s)} bytes)`;
}

/**
 * Every quoted value (`"…"`, with JSON/Prometheus escapes) in `message` truncated, so an error
 * naming a series with a huge label value stays readable.
 */
export function truncateQuoted(message: string): string {
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => {
    if (inner.length <= ECHO_CHARS) return whole;
    let head = inner.slice(0, ECHO_CHARS);
    // Do not end on half an escape (a lone backslash would escape the closing quote).
    if ((/\\+$/.exec(head)?.[0].length ?? 0) % 2 === 1) head = head.slice(0, -1);
    return `"${head}…(${Buffer.byteLength(inner)} bytes)"`;
  });
}

/** The decompressed-size cap of a push or import body: 8 × the body cap. */
export function maxDecompressedBytes(maxBodyBytes: number): number {
  return 8 * maxBodyBytes;
}

/**
 * A push or import body after its Content-Encoding: identity as is, gzip decompressed to at
 * most `max` bytes (zlib stops there, so a gzip bomb costs `max`), anything else 415.
 */
export function decodeBody(
  what: string,
  body: Buffer,
  encoding: string | string[] | undefined,
  max: number,
): Buffer {
  const enc = String(encoding ?? '')
    .trim()
    .toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip')
    throw new BodyError(
      415,
      `cannot read ${what}: Content-Encoding ${JSON.stringify(truncate(enc))} is not supported, want gzip or identity`,
    );
  try {
    return gunzipSync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyError(
        413,
        `cannot read ${what}: gzip body decompresses to more than ${max} bytes`,
      );
    throw new BodyError(400, `cannot read ${what}: bad gzip body: ${(err as Error).message}`);
  }
}
