/**
 * The mail server of the alerts benchmark: a real SMTP server (`smtp-server`) on 127.0.0.1 that
 * accepts every message and records, per alert, when its first mail was accepted. The alert is
 * read from the Subject header both peers are configured to write (`bench-alert <i>`).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export const SUBJECT_PREFIX = 'bench-alert';
const SUBJECT_RE = new RegExp(`^Subject: ${SUBJECT_PREFIX} (\\d+)`, 'mi');

export interface SmtpRecorder {
  port: number;
  /** Alert index → `performance.now()` when its first mail was accepted. */
  accepted: Map<number, number>;
  /** Every mail accepted (repeats and unparsable ones included). */
  mails(): number;
  /** Resolves once `n` distinct alerts were accepted, or after `timeoutMs` (then false). */
  waitFor(n: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpRecorder> {
  const accepted = new Map<number, number>();
  let mails = 0;
  let waiter: { n: number; resolve: (ok: boolean) => void } | undefined;
  const server = new SMTPServer({
    // Plain SMTP without AUTH: both peers run with require_tls: false and no credentials, so
    // neither pays for a TLS handshake the other skips.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const at = performance.now();
        mails++;
        const m = SUBJECT_RE.exec(Buffer.concat(chunks).toString('utf8'));
        if (m !== null) {
          const i = Number(m[1]);
          if (!accepted.has(i)) accepted.set(i, at);
        }
        if (waiter !== undefined && accepted.size >= waiter.n) waiter.resolve(true);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    accepted,
    mails: () => mails,
    waitFor(n, timeoutMs) {
      if (accepted.size >= n) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiter = {
          n,
          resolve: (ok) => {
            clearTimeout(timer);
            waiter = undefined;
            resolve(ok);
          },
        };
      });
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
