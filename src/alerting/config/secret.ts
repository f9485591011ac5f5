import { z } from 'zod';

/** What a Secret prints as; the same placeholder the secrets module uses for argus.yml. */
export const SECRET_TEXT = '<secret>';

/**
 * A password, API key or URL with a token in it. Its string, JSON and inspect forms are
 * `<secret>`, so logging a config or serving it over the API never leaks it; only `reveal()`
 * (called where the value is sent: SMTP auth, HTTP headers) returns the value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  /** True when the value is empty (Alertmanager treats `""` as unset). */
  isEmpty(): boolean {
    return this.#value === '';
  }
  toString(): string {
    return SECRET_TEXT;
  }
  toJSON(): string {
    return SECRET_TEXT;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return SECRET_TEXT;
  }
}

/** A secret string in the YAML. */
export const zSecret = z.string().transform((s) => new Secret(s));

function urlProblem(s: string): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return `expected an absolute URL, got ${JSON.stringify(s)}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `unsupported scheme ${JSON.stringify(u.protocol.slice(0, -1))} for URL`;
  if (u.host === '') return 'missing host for URL';
  return undefined;
}

/** An http(s) URL (Alertmanager's `URL`). */
export const zURL = z.string().superRefine((s, ctx) => {
  const p = urlProblem(s);
  if (p !== undefined) ctx.addIssue({ code: 'custom', message: p });
});

/** An http(s) URL that may carry a token (Alertmanager's `SecretURL`); the message never shows it. */
export const zSecretURL = z
  .string()
  .superRefine((s, ctx) => {
    const p = urlProblem(s);
    if (p !== undefined)
      ctx.addIssue({ code: 'custom', message: p.replace(JSON.stringify(s), SECRET_TEXT) });
  })
  .transform((s) => new Secret(s));
