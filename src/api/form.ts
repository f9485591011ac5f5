/** Parses an `application/x-www-form-urlencoded` body into URLSearchParams (repeated keys kept). */
export function formBodyParser(
  _req: unknown,
  body: string | Buffer,
  done: (err: Error | null, parsed?: URLSearchParams) => void,
): void {
  done(null, new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')));
}
