import type { FastifyRequest } from 'fastify';
import { BodyError } from './body.js';

/** The request body types the Prometheus-compatible GET/POST routes read parameters from. */
export const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/** Parses an `application/x-www-form-urlencoded` body into URLSearchParams (repeated keys kept). */
export function formBodyParser(
  _req: unknown,
  body: string | Buffer,
  done: (err: Error | null, parsed?: URLSearchParams) => void,
): void {
  done(null, new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')));
}

/** More parts than any query form has; bounds the work a hostile body can ask for. */
const MAX_PARTS = 1000;

/** The boundary parameter of a multipart Content-Type (quoted or not), per RFC 2046. */
function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? '');
  return m?.[1] ?? m?.[2];
}

function malformed(why: string): BodyError {
  return new BodyError(400, `cannot parse multipart/form-data body: ${why}`);
}

/**
 * Parses the fields of a `multipart/form-data` body (`curl -F`) into URLSearchParams, as Go's
 * `Request.FormValue` reads them for Prometheus. The body is already bounded by the route's body limit (fastify `parseAs`).
 */
export function multipartBodyParser(
  req: FastifyRequest,
  body: Buffer,
  done: (err: Error | null, parsed?: URLSearchParams) => void,
): void {
  try {
    done(null, parseMultipart(body, req.headers['content-type']));
  } catch (err) {
    done(err as Error);
  }
}

/** The form fields of a multipart body; throws BodyError (400) when it is malformed. */
export function parseMultipart(body: Buffer, contentType: string | undefined): URLSearchParams {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) throw malformed('Content-Type has no boundary parameter');
  const delim = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const out = new URLSearchParams();
  let pos = body.indexOf(delim);
  if (pos < 0) throw malformed(`no part starts with --${boundary}`);
  pos += delim.length;
  for (let parts = 0; ; parts++) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return out; // closing `--boundary--`
    if (parts >= MAX_PARTS) throw malformed(`more than ${MAX_PARTS} parts`);
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a)
      throw malformed('want CRLF after a boundary line');
    pos += 2;
    const headEnd =
      body[pos] === 0x0d && body[pos + 1] === 0x0a ? pos : body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw malformed('a part has no end of headers');
    const headers = body.toString('utf8', pos, headEnd);
    const start = headEnd + (headEnd === pos ? 2 : 4);
    const end = body.indexOf(next, start);
    if (end < 0) throw malformed(`a part is not closed by --${boundary}`);
    // As Go's multipart.Reader.ReadForm: parts without a form name are skipped, and parts with
    // a filename are files, not values.
    const disposition = /^content-disposition:[ \t]*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name=(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/i.exec(disposition);
    if (name !== null && !/;\s*filename\*?=/i.test(disposition))
      out.append((name[1] ?? name[2]).replace(/\\(.)/g, '$1'), body.toString('utf8', start, end));
    pos = end + next.length;
  }
}
