/**
 * Keeps secrets out of delivery errors: URLs with tokens (Slack, Teams, webhook URLs are
 * secrets in Alertmanager), bot tokens and passwords are replaced wherever they appear in a
 * message (network errors quote the URL; some receivers echo a token back).
 */
import { SECRET_TEXT } from '../../config/secret.js';

export class Redactor {
  private readonly pairs: [string, string][] = [];

  /** A URL whose path or query is secret: shown as its origin only. */
  url(u: string): this {
    let shown = SECRET_TEXT;
    try {
      const parsed = new URL(u);
      shown = `${parsed.origin}/${SECRET_TEXT}`;
      this.pairs.push([parsed.href, shown]);
    } catch {
      // not a URL: redact the text as it is
    }
    this.pairs.push([u, shown]);
    return this;
  }

  /** A token or password. */
  value(s: string | undefined): this {
    if (s !== undefined && s.length >= 4) {
      this.pairs.push([s, SECRET_TEXT]);
      this.pairs.push([encodeURIComponent(s), SECRET_TEXT]);
    }
    return this;
  }

  apply(msg: string): string {
    let out = msg;
    for (const [needle, shown] of [...this.pairs].sort((a, b) => b[0].length - a[0].length))
      out = out.split(needle).join(shown);
    return out;
  }
}

/** At most `max` bytes of UTF-8, cut on a character boundary, with "…" when cut. */
export function trimBytes(s: string, max = 512): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let end = max - 3;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + '…';
}
