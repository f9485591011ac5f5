import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../auth/index.js';
import { parseDuration } from '../config/index.js';
import { BugError } from '../util/index.js';
import { ApiError } from './errors.js';

/** Validates a JSON body; the error names the field and what was wrong. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body === 'string' || Buffer.isBuffer(body))
    throw new ApiError(
      'bad_data',
      'invalid request body: want a JSON object (Content-Type: application/json)',
    );
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const i = r.error.issues[0];
  if (i.code === 'unrecognized_keys') {
    const at = i.path.length > 0 ? ` in "${i.path.join('.')}"` : '';
    throw new ApiError(
      'bad_data',
      `invalid request body: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}${at}`,
    );
  }
  const where = i.path.length > 0 ? `field "${i.path.join('.')}"` : 'body';
  throw new ApiError('bad_data', `invalid request ${where}: ${i.message}`);
}

/** The request's principal (set by the access hook on every non-public route). */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === undefined)
    throw new BugError(`${req.method} ${req.url}: no principal on an authenticated route`);
  return req.principal;
}

/** A duration like `30d` from a request field; undefined when absent. */
export function durationField(name: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const ms = parseDuration(s);
  if (ms === undefined || ms <= 0)
    throw new ApiError(
      'bad_data',
      `invalid request field "${name}": expected a duration like 30d or 12h, got ${JSON.stringify(s)}`,
    );
  return ms;
}

/** `Set-Cookie` for the session cookie (HttpOnly, SameSite=Strict, Secure over https). */
export function sessionCookie(
  name: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearSessionCookie(reply: FastifyReply, name: string, secure: boolean): void {
  void reply.header('set-cookie', sessionCookie(name, '', 0, secure));
}
