import dgram from 'node:dgram';
import net from 'node:net';
import { Counter, Registry } from 'prom-client';
import { Labels, tenantId, type TenantId } from '../../model/index.js';
import type { LogAppendable } from '../../storage/index.js';
import { ArgusError, nopLogger, type Logger } from '../../util/index.js';
import { Batcher } from './batcher.js';
import { parseListenAddress, type SyslogConfig } from './config.js';
import { toEntry } from './entry.js';
import { FrameDecoder } from './framing.js';
import { parseSyslog } from './parse.js';

/** A listener could not be started (address in use, bad address…). */
export class SyslogListenError extends ArgusError {}

export interface SyslogServerOptions {
  config: SyslogConfig;
  appendable: LogAppendable;
  logger?: Logger;
  registry?: Registry;
}

/** Counts since start (also exported as `argus_syslog_*_total`). */
export interface SyslogStats {
  received: number;
  malformed: number;
  truncated: number;
  committed: number;
  dropped: number;
}

type Transport = 'udp' | 'tcp';

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  // Several servers may share one registry (tests, reloads): reuse.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

const LABEL_CACHE_MAX = 10_000;

/** Length without trailing LF, CR and NUL bytes. */
function trimmedLength(b: Buffer): number {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 10 || b[end - 1] === 13 || b[end - 1] === 0)) end--;
  return end;
}

/**
 * The syslog listener: RFC 5424 and RFC 3164 messages over UDP and TCP, stored through a
 * `LogAppendable` in batches. Streams are labelled with the configured labels (`job="syslog"`
 * by default) plus `host` (the message's HOSTNAME, else the sender's address) and `app`
 * (APP-NAME or the 3164 TAG); everything else is fields (see `toEntry`).
 */
export class SyslogServer {
  private readonly cfg: SyslogConfig;
  private readonly tenant: TenantId;
  private readonly logger: Logger;
  private readonly batcher: Batcher;
  private readonly base: [string, string][];
  private readonly labelCache = new Map<string, Labels>();
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly counts = { received: 0, malformed: 0, truncated: 0 };
  private readonly metrics: { received: Counter; malformed: Counter; truncated: Counter };

  constructor(opts: SyslogServerOptions) {
    this.cfg = opts.config;
    this.tenant = tenantId(opts.config.tenant);
    this.logger = opts.logger ?? nopLogger;
    this.batcher = new Batcher(
      opts.appendable,
      this.tenant,
      this.logger,
      opts.config.batch_size,
      opts.config.batch_wait,
    );
    this.base = Object.entries({ job: 'syslog', ...opts.config.labels }).filter(
      ([n]) => n !== 'host' && n !== 'app',
    );
    const reg = opts.registry ?? new Registry();
    this.metrics = {
      received: counter(
        reg,
        'argus_syslog_messages_total',
        'Syslog messages received, by transport.',
        ['transport'],
      ),
      malformed: counter(
        reg,
        'argus_syslog_malformed_total',
        'Syslog messages not understood, stored whole with a syslog_error field.',
        [],
      ),
      truncated: counter(
        reg,
        'argus_syslog_truncated_total',
        'Syslog messages longer than max_message_size, stored cut.',
        [],
      ),
    };
  }

  /** Starts the configured listeners; resolves with their bound ports. */
  async start(): Promise<{ udp?: number; tcp?: number }> {
    const out: { udp?: number; tcp?: number } = {};
    if (this.cfg.udp !== undefined) out.udp = await this.startUdp(this.cfg.udp);
    if (this.cfg.tcp !== undefined) {
      try {
        out.tcp = await this.startTcp(this.cfg.tcp);
      } catch (err) {
        this.udp?.close();
        throw err;
      }
    }
    this.logger.info(out, 'syslog listener started');
    return out;
  }

  /** Closes the listeners and connections, then commits what is held. */
  async stop(): Promise<void> {
    const closing: Promise<void>[] = [];
    if (this.udp) {
      const u = this.udp;
      closing.push(new Promise((resolve) => u.close(() => resolve())));
      this.udp = undefined;
    }
    if (this.tcp) {
      const t = this.tcp;
      closing.push(new Promise((resolve) => t.close(() => resolve())));
      for (const s of this.sockets) s.destroy();
      this.tcp = undefined;
    }
    await Promise.all(closing);
    await this.batcher.drain();
  }

  stats(): SyslogStats {
    return { ...this.counts, ...this.batcher.stats };
  }

  private startUdp(addr: string): Promise<number> {
    const { host, port } = parseListenAddress(addr)!;
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.on('message', (msg, rinfo) => {
      const max = this.cfg.max_message_size;
      const truncated = trimmedLength(msg) > max;
      this.handle(truncated ? msg.subarray(0, max) : msg, truncated, rinfo.address, 'udp');
    });
    this.udp = sock;
    return new Promise((resolve, reject) => {
      sock.once('error', (err) =>
        reject(new SyslogListenError(`cannot listen for syslog on udp ${addr}`, { cause: err })),
      );
      sock.bind(port, host, () => {
        sock.on('error', (err) => this.logger.warn({ err: err.message }, 'syslog udp error'));
        resolve(sock.address().port);
      });
    });
  }

  private startTcp(addr: string): Promise<number> {
    const { host, port } = parseListenAddress(addr)!;
    const server = net.createServer((sock) => this.onConnection(sock));
    server.maxConnections = this.cfg.max_connections;
    this.tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) =>
        reject(new SyslogListenError(`cannot listen for syslog on tcp ${addr}`, { cause: err })),
      );
      server.listen(port, host, () => {
        server.on('error', (err) => this.logger.warn({ err: err.message }, 'syslog tcp error'));
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  private onConnection(sock: net.Socket): void {
    this.sockets.add(sock);
    const peer = sock.remoteAddress ?? '';
    const dec = new FrameDecoder(this.cfg.max_message_size, (frame, truncated) =>
      this.handle(frame, truncated, peer, 'tcp'),
    );
    sock.setTimeout(this.cfg.idle_timeout);
    sock.on('timeout', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      dec.push(chunk);
      // Back-pressure: stop reading while the store catches up.
      if (this.batcher.busy) {
        sock.pause();
        this.batcher.onIdle(() => sock.resume());
      }
    });
    sock.on('end', () => dec.end());
    sock.on('error', (err) => this.logger.debug({ peer, err: err.message }, 'syslog tcp peer'));
    sock.on('close', () => this.sockets.delete(sock));
  }

  private handle(frame: Buffer, truncated: boolean, peer: string, transport: Transport): void {
    const now = Date.now();
    // Senders end messages with LF even where the framing does not need it (rsyslog's
    // octet-counted RFC 5424 template, most UDP senders).
    const m = parseSyslog(frame.toString('utf8', 0, trimmedLength(frame)), new Date(now));
    this.counts.received++;
    this.metrics.received.inc({ transport });
    if (m.error !== undefined) {
      this.counts.malformed++;
      this.metrics.malformed.inc();
    }
    if (truncated) {
      this.counts.truncated++;
      this.metrics.truncated.inc();
    }
    const entry = toEntry(m, BigInt(now) * 1_000_000n);
    const host = m.hostname ?? peer;
    const app = m.appName ?? '';
    const key = `${host}\u0000${app}`;
    this.batcher.add(key, () => this.labels(key, host, app), entry);
  }

  private labels(key: string, host: string, app: string): Labels {
    let l = this.labelCache.get(key);
    if (l === undefined) {
      if (this.labelCache.size >= LABEL_CACHE_MAX) this.labelCache.clear();
      l = Labels.fromPairs([...this.base, ['host', host], ['app', app]]);
      this.labelCache.set(key, l);
    }
    return l;
  }
}
