/**
 * Test helpers for the network check kinds: certificates made with `openssl` at test time (any
 * validity window, expired included) and a ProbeContext around a guard.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TENANT } from '../../model/index.js';
import type { OutboundGuard } from '../../net/index.js';
import type { ProbeContext, SecretRef } from '../types.js';

export interface TestCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

const DAY = 86_400_000;

/** `YYYYMMDDHHMMSSZ` for `openssl ca -startdate/-enddate`. */
function asn1Time(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * A self-signed EC certificate for `cn` (SANs: DNS:cn, IP:127.0.0.1) valid from `fromDays` to
 * `toDays` relative to now (negative = past). `openssl ca -selfsign` allows any window, which
 * `req -x509 -days` (OpenSSL 3.0) does not.
 */
export function makeCert(dir: string, cn: string, fromDays: number, toDays: number): TestCert {
  const d = mkdtempSync(join(dir, `${cn}-`));
  mkdirSync(join(d, 'db'));
  writeFileSync(join(d, 'db/index.txt'), '');
  writeFileSync(join(d, 'db/serial'), '01\n');
  writeFileSync(
    join(d, 'ca.cnf'),
    [
      '[ca]',
      'default_ca=d',
      '[d]',
      `database=${d}/db/index.txt`,
      `new_certs_dir=${d}/db`,
      `serial=${d}/db/serial`,
      'default_md=sha256',
      'policy=p',
      'copy_extensions=copy',
      'unique_subject=no',
      '[p]',
      'commonName=supplied',
      '',
    ].join('\n'),
  );
  const keyFile = join(d, 'key.pem');
  const certFile = join(d, 'cert.pem');
  const csr = join(d, 'req.csr');
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'pipe' });
  };
  run([
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn},IP:127.0.0.1`,
    '-keyout', keyFile, '-out', csr,
  ]); // prettier-ignore
  const now = Date.now();
  run([
    'ca', '-batch', '-config', join(d, 'ca.cnf'), '-selfsign', '-keyfile', keyFile, '-in', csr,
    '-startdate', asn1Time(now + fromDays * DAY), '-enddate', asn1Time(now + toDays * DAY),
    '-notext', '-out', certFile,
  ]); // prettier-ignore
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    keyFile,
  };
}

/** A temp dir removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-checks-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A ProbeContext for `guard`: secrets from `secrets` (by name), values and files. */
export function probeContext(
  guard: OutboundGuard,
  over: Partial<Omit<ProbeContext, 'secret'>> & { secrets?: Record<string, string> } = {},
): ProbeContext {
  const timeoutMs = over.timeoutMs ?? 5000;
  const { secrets = {}, ...rest } = over;
  return {
    tenant: DEFAULT_TENANT,
    guard,
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    maxBodyBytes: 1 << 20,
    secret: (ref: SecretRef) => {
      if (typeof ref === 'string') return Promise.resolve(ref);
      if ('file' in ref) return Promise.resolve(readFileSync(ref.file, 'utf8'));
      const v = secrets[ref.secret];
      return v === undefined
        ? Promise.reject(new Error(`no secret ${JSON.stringify(ref.secret)}`))
        : Promise.resolve(v);
    },
    now: () => Date.now(),
    query: () => Promise.resolve([]),
    heartbeat: { since: 0 },
    ...rest,
  };
}
