import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { promises as dnsPromises } from 'node:dns';
import { parse as parseYaml } from 'yaml';
import { ArgusError, errorChain, type Logger } from '../util/index.js';
import type { ScrapeConfig } from './config.js';

/**
 * Target discovery for one scrape job: `static_configs`, `file_sd_configs` (watched, and re-read
 * every refresh_interval) and `dns_sd_configs` (A, AAAA, SRV), with Prometheus's `__meta_*`
 * labels. Each source keeps its last good answer when a refresh fails (logged), as Prometheus;
 * a file_sd file that no longer exists contributes no targets.
 */

/** Targets (each at least `__address__`) sharing labels, from one source. */
export interface TargetGroup {
  /** `static/0`, `file:/etc/targets/a.json:1`, `dns/0/name`… */
  source: string;
  targets: Record<string, string>[];
  labels: Record<string, string>;
}

/** The groups of a job, as they change. */
export type GroupsListener = (groups: TargetGroup[]) => void;

type Resolver = Pick<dnsPromises.Resolver, 'resolve4' | 'resolve6' | 'resolveSrv'>;

export interface DiscoveryOptions {
  logger: Logger;
  /** DNS resolver (tests: one pointed at a stub). */
  resolver?: Resolver;
}

/** Why a file_sd file cannot be used: names the file and the problem. */
export class FileSdError extends ArgusError {}

/** `[{targets: [...], labels: {...}}]` from a file_sd JSON or YAML file. */
export function parseFileSd(file: string, text: string): TargetGroup[] {
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new FileSdError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${errorChain(err)}`,
    );
  }
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new FileSdError(`${file}: expected a list of target groups`);
  return raw.map((g: unknown, i) => {
    const grp = g as { targets?: unknown; labels?: unknown };
    if (typeof g !== 'object' || g === null || !Array.isArray(grp.targets))
      throw new FileSdError(`${file}: group ${i}: expected {targets: [...], labels: {...}}`);
    const labels: Record<string, string> = {};
    if (grp.labels !== undefined && grp.labels !== null) {
      if (typeof grp.labels !== 'object')
        throw new FileSdError(`${file}: group ${i}: labels must be a mapping`);
      for (const [k, v] of Object.entries(grp.labels))
        if (typeof v === 'string') labels[k] = v;
        else throw new FileSdError(`${file}: group ${i}: label ${k} must be a string`);
    }
    const targets = grp.targets.map((t: unknown) => {
      if (typeof t !== 'string' || t === '')
        throw new FileSdError(`${file}: group ${i}: targets must be non-empty strings`);
      return { __address__: t };
    });
    return { source: `file:${file}:${i}`, targets, labels: { ...labels, __meta_filepath: file } };
  });
}

/** Files matching a pattern whose `*`/`?` wildcards are in the last path element (as Prometheus). */
/** The file names a pattern's last path component matches (`*`, `?`, `[…]` as in Go's filepath.Match). */
function baseNameRegExp(base: string): RegExp {
  return new RegExp(
    `^${base
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
}

export async function expandFilePattern(pattern: string): Promise<string[]> {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?[]/.test(base)) return [pattern];
  const re = baseNameRegExp(base);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

/** Discovers one job's targets; call `stop()` when the job goes away. */
export class JobDiscovery {
  private readonly bySource = new Map<string, TargetGroup[]>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly watchers: FSWatcher[] = [];
  private stopped = false;

  constructor(
    private readonly cfg: Pick<
      ScrapeConfig,
      'job_name' | 'static_configs' | 'file_sd_configs' | 'dns_sd_configs'
    >,
    private readonly onGroups: GroupsListener,
    private readonly opts: DiscoveryOptions,
  ) {}

  /** Runs the first discovery of every source, then keeps them fresh. */
  async start(): Promise<void> {
    this.cfg.static_configs.forEach((s, i) =>
      this.bySource.set(`static/${i}`, [
        {
          source: `static/${i}`,
          targets: s.targets.map((t) => ({ __address__: t })),
          labels: { ...s.labels },
        },
      ]),
    );
    await Promise.all([
      ...this.cfg.file_sd_configs.map((f, i) => this.startFile(f, i)),
      ...this.cfg.dns_sd_configs.map((d, i) => this.startDns(d, i)),
    ]);
    this.emit();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const w of this.watchers) w.close();
  }

  /** Every group discovered so far. */
  groups(): TargetGroup[] {
    return [...this.bySource.values()].flat();
  }

  private emit(): void {
    if (!this.stopped) this.onGroups(this.groups());
  }

  private set(key: string, groups: TargetGroup[]): void {
    const old = this.bySource.get(key);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(groups)) return;
    this.bySource.set(key, groups);
  }

  private async startFile(f: ScrapeConfig['file_sd_configs'][number], i: number): Promise<void> {
    const key = `file/${i}`;
    const refresh = async (emit: boolean) => {
      const groups: TargetGroup[] = [];
      for (const pattern of f.files) {
        for (const file of await expandFilePattern(pattern)) {
          try {
            groups.push(...parseFileSd(file, await readFile(file, 'utf8')));
          } catch (err) {
            // A missing file has no targets (Prometheus globs even literal paths), so a deleted
            // file's targets go away and get their stale markers.
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
            // It exists but cannot be read or parsed: keep its last good groups; say why.
            const prev = (this.bySource.get(key) ?? []).filter((g) =>
              g.source.startsWith(`file:${file}:`),
            );
            groups.push(...prev);
            this.opts.logger.warn(
              { job: this.cfg.job_name, file, err: errorChain(err) },
              'cannot read file_sd file; keeping its last targets',
            );
          }
        }
      }
      this.set(key, groups);
      if (emit) this.emit();
    };
    await refresh(false);
    const again = () => void refresh(true);
    this.timers.push(setInterval(again, f.refresh_interval).unref());
    for (const dir of new Set(f.files.map((p) => path.dirname(p)))) {
      // Only events for the configured files count: a log file written in the same directory
      // must not re-trigger reads (a broken file would log a warning per log line, forever).
      const names = f.files.filter((p) => path.dirname(p) === dir).map((p) => path.basename(p));
      const res = names.map(baseNameRegExp);
      const relevant = (_event: string, file: string | Buffer | null) =>
        file === null || res.some((re) => re.test(String(file)));
      try {
        const w = watch(dir, { persistent: false }, (event, file) => {
          if (relevant(event, file)) again();
        });
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // The directory may appear later: the refresh interval still picks files up.
      }
    }
  }

  private async startDns(d: ScrapeConfig['dns_sd_configs'][number], i: number): Promise<void> {
    const resolver = this.opts.resolver ?? (await import('node:dns')).promises;
    const refresh = async (emit: boolean) => {
      for (const name of d.names) {
        const key = `dns/${i}/${name}`;
        try {
          this.set(key, [{ source: key, targets: await lookup(resolver, d, name), labels: {} }]);
        } catch (err) {
          this.opts.logger.warn(
            { job: this.cfg.job_name, name, err: errorChain(err) },
            'DNS service discovery failed; keeping the last targets',
          );
          if (!this.bySource.has(key)) this.bySource.set(key, []);
        }
      }
      if (emit) this.emit();
    };
    await refresh(false);
    this.timers.push(setInterval(() => void refresh(true), d.refresh_interval).unref());
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function lookup(
  r: Resolver,
  d: ScrapeConfig['dns_sd_configs'][number],
  name: string,
): Promise<Record<string, string>[]> {
  const meta = (extra: Record<string, string>) => ({ __meta_dns_name: name, ...extra });
  if (d.type === 'A' || d.type === 'AAAA') {
    const addrs = await (d.type === 'A' ? r.resolve4(name) : r.resolve6(name)).catch(notFoundEmpty);
    return addrs.map((a) => meta({ __address__: hostPort(a, d.port!) }));
  }
  const srv = await r.resolveSrv(name).catch(notFoundEmpty);
  return srv.map((s) =>
    meta({
      __address__: hostPort(s.name.replace(/\.$/, ''), s.port),
      __meta_dns_srv_record_target: s.name,
      __meta_dns_srv_record_port: String(s.port),
    }),
  );
}

/** NXDOMAIN / no data are empty answers, not failures. */
function notFoundEmpty(err: NodeJS.ErrnoException): never[] {
  if (err.code === 'ENOTFOUND' || err.code === 'ENODATA') return [];
  throw err;
}
