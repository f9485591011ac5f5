/**
 * The mail server of the alerts benchmark: a real SMTP server (`smtp-server`) on 127.0.0.1 that
 * accepts every message and records, per alert, when its first mail was accepted. The alert is
 * read from the Subject header both peers are configured to write (`bench-alert <i>`).
 */
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

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

/**
 * smtp-server holds every greeting back 100 ms to catch clients that talk before it (a spam
 * heuristic, not configurable). A production MTA on the same host greets at once, and the delay
 * would add a constant 100 ms to both systems' figures, so the greeting is sent when the
 * connection is set up (the same steps, without the timer; maxClients is not used here).
 */
function greetAtOnce(): void {
  SMTPConnection.prototype.init = function (this: SMTPConnection): void {
    this._setListeners(() => this.connectionReady());
  };
}

export async function startSmtp(): Promise<SmtpRecorder> {
  greetAtOnce();
  const accepted = new Map<number, number>();
  let mails = 0;
  let waiter: { n: number; resolve: (ok: boolean) => void } | undefined;
  const server = new SMTPServer({
    // Plain SMTP without AUTH: both peers run with require_tls: false and no credentials, so
    // neither pays for a TLS handshake the other skips.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    // Otherwise every connection waits for a reverse DNS lookup of 127.0.0.1 first.
    disableReverseLookup: true,
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
  // smtp-server writes multi-line replies (EHLO) in several writes: with Nagle on, the later
  // ones wait for the client's delayed ACK (~40 ms each on loopback), which is not a cost of
  // either system under test. A real MTA sends each reply whole.
  server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
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
