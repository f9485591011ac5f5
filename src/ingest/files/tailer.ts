import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RE2JS } from 're2js';
import { Labels, tenantId, type TenantId } from '../../model/index.js';
import type { LogAppendable } from '../../storage/index.js';
import { errorChain, nopLogger, type Logger } from '../../util/index.js';
import { loadCheckpoint, saveCheckpoint, type FilePosition } from './checkpoint.js';
import type { FilesConfig, FileTargetConfig } from './config.js';
import { Glob } from './glob.js';
import { MultilineJoiner } from './multiline.js';
import type { TrackedFile } from './tracked.js';

export interface FileTailerOptions {
  config: FilesConfig;
  appendable: LogAppendable;
  /** Where committed offsets are kept (a JSON file, replaced atomically). */
  checkpointPath: string;
  logger?: Logger;
  /** How often files are checked for new data besides fs.watch events (ms, default 250). */
  pollInterval?: number;
  /** How often globs are expanded again to find new files (ms, default 5000). */
  scanInterval?: number;
  /** A last line without its newline is emitted after waiting this long (ms, default 5000). */
  partialLineTimeout?: number;
  /** A rotated or deleted file is read until it has been quiet this long (ms, default 5000). */
  rotateWait?: number;
  /** Longer lines are cut (bytes, default 1 MiB). */
  maxLineSize?: number;
}

export interface FileTailerStats {
  files: number;
  records: number;
  bytes: number;
  rotations: number;
  truncations: number;
  commitFailures: number;
}

interface Target {
  cfg: FileTargetConfig;
  include: Glob;
  exclude: Glob[];
  tenant: TenantId;
  start: RE2JS | undefined;
}

const READ_SIZE = 256 * 1024;
/** Bytes read from one file per cycle before committing (bounds a batch). */
const READ_BUDGET = 4 * 1024 * 1024;

/**
 * Tails files matched by globs into a `LogAppendable`: follows appends (fs.watch plus
 * polling), survives rotation by rename (the old file is read to its end, the new one from its
 * start) and truncation (restart at 0), joins multiline records, and checkpoints committed
 * offsets per (device, inode, path) after each commit, so a restart neither duplicates nor
 * skips lines. One cycle at a time: read every file, commit, then checkpoint. Records are
 * stamped with the read time (strictly increasing, to keep the file's order).
 */
export class FileTailer {
  private readonly targets: Target[];
  private readonly logger: Logger;
  private readonly opts: Required<
    Pick<
      FileTailerOptions,
      'pollInterval' | 'scanInterval' | 'partialLineTimeout' | 'rotateWait' | 'maxLineSize'
    >
  >;
  private readonly tracked = new Map<string, TrackedFile>();
  private saved = new Map<string, FilePosition>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly buf = Buffer.allocUnsafe(READ_SIZE);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private lastScan = 0;
  private needScan = true;
  private retryAt = 0;
  private backoff = 0;
  private lastTs = 0n;
  private checkpointDirty = false;
  private readonly counts: FileTailerStats = {
    files: 0,
    records: 0,
    bytes: 0,
    rotations: 0,
    truncations: 0,
    commitFailures: 0,
  };

  constructor(private readonly o: FileTailerOptions) {
    this.logger = o.logger ?? nopLogger;
    this.opts = {
      pollInterval: o.pollInterval ?? 250,
      scanInterval: o.scanInterval ?? 5000,
      partialLineTimeout: o.partialLineTimeout ?? 5000,
      rotateWait: o.rotateWait ?? 5000,
      maxLineSize: o.maxLineSize ?? 1024 * 1024,
    };
    this.targets = o.config.map((cfg) => ({
      cfg,
      include: new Glob(cfg.path),
      exclude: cfg.exclude.map((g) => new Glob(g)),
      tenant: tenantId(cfg.tenant),
      start: cfg.multiline ? RE2JS.compile(cfg.multiline.start) : undefined,
    }));
  }

  /** Loads the checkpoint and starts following (the first scan runs at once). */
  async start(): Promise<void> {
    for (const p of await loadCheckpoint(this.o.checkpointPath))
      this.saved.set(`${p.dev}:${p.ino}`, p);
    this.timer = setInterval(() => this.kick(), this.opts.pollInterval);
    this.timer.unref();
    this.kick();
  }

  /** Stops following: commits the complete lines read so far, checkpoints, closes files. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.running;
    try {
      await this.cycle(true);
    } finally {
      for (const t of this.tracked.values()) await t.fh.close().catch(() => {});
      this.tracked.clear();
    }
  }

  stats(): FileTailerStats {
    return { ...this.counts, files: this.tracked.size };
  }

  private kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          if (await this.cycle(false)) this.again = true;
        } while (this.again && !this.stopping);
      } catch (err) {
        this.logger.error({ err: errorChain(err) }, 'cannot tail files');
      } finally {
        this.running = undefined;
      }
    })();
  }

  /** One pass: scan, read, commit, checkpoint. True when a file has more to read now. */
  private async cycle(final: boolean): Promise<boolean> {
    const now = Date.now();
    if (!final && now < this.retryAt) return false;
    if (!final && (this.needScan || now - this.lastScan >= this.opts.scanInterval)) {
      await this.scan();
      this.lastScan = now;
      this.needScan = false;
    }
    let more = false;
    for (const t of [...this.tracked.values()]) {
      try {
        if (!t.gone) await this.checkIdentity(t, now);
        if (await this.read(t, now)) more = true;
        if (final) continue;
        this.timeouts(t, now);
        if (t.gone && now - t.lastDataAt >= this.opts.rotateWait) {
          // Quiet since it was rotated or deleted: what is left is complete.
          this.flushPartial(t, now);
          t.joiner?.flush((l, e) => this.record(t, l, e));
          t.closing = true;
        }
      } catch (err) {
        this.logger.warn({ path: t.path, err: errorChain(err) }, 'cannot read tailed file');
        this.rewind(t);
        t.closing = true;
      }
    }
    await this.commit();
    for (const t of [...this.tracked.values()]) {
      if (!t.closing || t.pending.length > 0) continue;
      this.tracked.delete(t.key);
      this.checkpointDirty = true;
      await t.fh.close().catch(() => {});
    }
    if (this.checkpointDirty) {
      this.checkpointDirty = false;
      await saveCheckpoint(this.o.checkpointPath, this.positions());
    }
    return more;
  }

  private positions(): FilePosition[] {
    return [...this.tracked.values()].map((t) => ({
      path: t.path,
      dev: t.dev,
      ino: t.ino,
      offset: t.committed,
    }));
  }

  private async scan(): Promise<void> {
    const seen = new Set<string>();
    for (const target of this.targets) {
      for (const p of await target.include.expand()) {
        if (target.exclude.some((g) => g.matches(p))) continue;
        const st = await stat(p).catch(() => undefined);
        if (!st?.isFile()) continue;
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const t = this.tracked.get(key);
        if (t) {
          // Renamed to another matching name (app.log → app.log.1): same file, keep reading.
          if (t.path !== p) t.path = p;
          t.gone = false;
          continue;
        }
        await this.openFile(target, p);
      }
    }
    // Checkpointed files rotated away while Argus was stopped (app.log → app.log.1, a name the
    // glob does not match): found by inode beside their old path, read from their offset to
    // their end, then closed, as a rotation seen while running. Any still missing are gone.
    if (this.saved.size > 0) {
      await this.findRotated();
      this.saved = new Map();
      this.checkpointDirty = true;
    }
    this.updateWatchers();
  }

  private async findRotated(): Promise<void> {
    const byDir = new Map<string, FilePosition[]>();
    for (const p of this.saved.values()) {
      const d = dirname(p.path);
      byDir.set(d, [...(byDir.get(d) ?? []), p]);
    }
    for (const [dir, positions] of byDir) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(dir, name);
        const st = await stat(path).catch(() => undefined);
        if (!st?.isFile()) continue;
        const p = positions.find((x) => x.dev === st.dev && x.ino === st.ino);
        const target = p && this.targets.find((t) => t.include.matches(p.path));
        if (!p || !target) continue;
        const t = await this.openFile(target, path, p.path);
        if (!t) continue;
        t.gone = true;
        this.counts.rotations++;
        this.logger.info(
          { path, was: p.path, offset: t.readPos },
          'tailed file rotated while stopped: reading it to its end',
        );
      }
    }
  }

  /** Starts tailing `path`; its lines carry `filename` = `labelPath` (its name when first seen). */
  private async openFile(
    target: Target,
    path: string,
    labelPath = path,
  ): Promise<TrackedFile | undefined> {
    const fh = await open(path, 'r').catch(() => undefined);
    if (!fh) return undefined;
    const st = await fh.stat();
    const key = `${st.dev}:${st.ino}`;
    if (this.tracked.has(key)) {
      await fh.close();
      return undefined;
    }
    const cp = this.saved.get(key);
    this.saved.delete(key);
    const offset = cp && cp.offset <= st.size ? cp.offset : 0;
    const labels = Labels.fromPairs([
      ...Object.entries(target.cfg.labels).filter(([n]) => n !== 'filename'),
      ['filename', labelPath],
    ]);
    const ml = target.cfg.multiline;
    const t: TrackedFile = {
      key,
      path,
      dev: st.dev,
      ino: st.ino,
      fh,
      target: { tenant: target.tenant, multilineTimeout: ml?.timeout ?? 0 },
      labels,
      readPos: offset,
      emitted: offset,
      committed: offset,
      partial: undefined,
      partialAt: 0,
      joiner: target.start ? new MultilineJoiner(target.start, ml!.max_lines) : undefined,
      pending: [],
      gone: false,
      closing: false,
      lastDataAt: Date.now(),
    };
    this.tracked.set(key, t);
    this.checkpointDirty = true;
    this.logger.info({ path, offset }, 'tailing file');
    return t;
  }

  /** Rotation (the path is another file or none) and truncation (smaller than read). */
  private async checkIdentity(t: TrackedFile, now: number): Promise<void> {
    const st = await stat(t.path).catch(() => undefined);
    if (!st || st.ino !== t.ino || st.dev !== t.dev) {
      t.gone = true;
      t.lastDataAt = now;
      this.needScan = true;
      this.counts.rotations++;
      this.logger.info({ path: t.path }, 'tailed file rotated or deleted: reading it to its end');
      return;
    }
    if (st.size < t.readPos) {
      this.counts.truncations++;
      this.logger.info({ path: t.path, size: st.size, offset: t.readPos }, 'file truncated');
      t.readPos = t.emitted = t.committed = 0;
      t.partial = undefined;
      t.joiner?.reset();
      this.checkpointDirty = true;
    }
  }

  /** Reads new bytes into records. True when the budget ran out before the end. */
  private async read(t: TrackedFile, now: number): Promise<boolean> {
    let budget = READ_BUDGET;
    while (budget > 0) {
      const { bytesRead } = await t.fh.read(this.buf, 0, READ_SIZE, t.readPos);
      if (bytesRead === 0) return false;
      t.lastDataAt = now;
      this.lines(t, this.buf.subarray(0, bytesRead), now);
      budget -= bytesRead;
    }
    return true;
  }

  /** Splits `chunk` (at `t.readPos`) into lines; keeps an unterminated rest as `partial`. */
  private lines(t: TrackedFile, chunk: Buffer, now: number): void {
    let data = chunk;
    let base = t.readPos;
    if (t.partial) {
      data = Buffer.concat([t.partial, chunk]);
      base -= t.partial.length;
      t.partial = undefined;
    }
    t.readPos += chunk.length;
    let s = 0;
    for (;;) {
      const nl = data.indexOf(10, s);
      if (nl < 0) break;
      const e = nl > s && data[nl - 1] === 13 ? nl - 1 : nl;
      this.line(t, data.toString('utf8', s, e), base + nl + 1, now);
      s = nl + 1;
    }
    if (s < data.length) {
      if (data.length - s >= this.opts.maxLineSize) {
        this.line(t, data.toString('utf8', s), base + data.length, now);
      } else {
        t.partial = Buffer.from(data.subarray(s)); // copy: `this.buf` is reused
        t.partialAt = now;
      }
    }
  }

  private line(t: TrackedFile, text: string, end: number, now: number): void {
    if (t.joiner) t.joiner.push(text, end, now, (l, e) => this.record(t, l, e));
    else this.record(t, text, end);
  }

  private record(t: TrackedFile, line: string, end: number): void {
    let ts = BigInt(Date.now()) * 1_000_000n;
    if (ts <= this.lastTs) ts = this.lastTs + 1n;
    this.lastTs = ts;
    t.pending.push({ ts, line });
    t.emitted = end;
  }

  private flushPartial(t: TrackedFile, now: number): void {
    if (!t.partial) return;
    const p = t.partial;
    t.partial = undefined;
    this.line(t, p.toString('utf8'), t.readPos, now);
  }

  private timeouts(t: TrackedFile, now: number): void {
    if (t.partial && now - t.partialAt >= this.opts.partialLineTimeout) this.flushPartial(t, now);
    if (t.joiner?.pending && now - t.joiner.lastAt >= t.target.multilineTimeout)
      t.joiner.flush((l, e) => this.record(t, l, e));
  }

  /** Forgets everything read after the committed offset: it will be read again. */
  private rewind(t: TrackedFile): void {
    t.readPos = t.emitted = t.committed;
    t.partial = undefined;
    t.joiner?.reset();
    t.pending = [];
  }

  private async commit(): Promise<void> {
    const byTenant = new Map<TenantId, TrackedFile[]>();
    for (const t of this.tracked.values()) {
      if (t.pending.length === 0) continue;
      const list = byTenant.get(t.target.tenant);
      if (list) list.push(t);
      else byTenant.set(t.target.tenant, [t]);
    }
    for (const [tenant, files] of byTenant) {
      const app = this.o.appendable.logAppender(tenant);
      try {
        for (const t of files) app.append(t.labels, t.pending);
        const res = await app.commit();
        this.counts.records += res.accepted;
        this.counts.bytes += res.bytes;
        for (const t of files) {
          t.committed = t.emitted;
          t.pending = []; // the store adopted the old array
        }
        this.checkpointDirty = true;
        this.backoff = 0;
      } catch (err) {
        // Nothing of this batch is stored: read it again after a pause.
        app.rollback();
        this.counts.commitFailures++;
        this.backoff = Math.min(Math.max(this.backoff * 2, 500), 30_000);
        this.retryAt = Date.now() + this.backoff;
        this.logger.warn(
          { tenant, files: files.length, retryInMs: this.backoff, err: errorChain(err) },
          'cannot commit tailed lines',
        );
        for (const t of files) this.rewind(t);
      }
    }
  }

  private updateWatchers(): void {
    const dirs = new Set<string>();
    for (const t of this.tracked.values()) dirs.add(dirname(t.path));
    for (const g of this.targets)
      dirs.add(g.include.depth === 0 ? dirname(g.include.base) : g.include.base);
    for (const [d, w] of this.watchers)
      if (!dirs.has(d)) {
        w.close();
        this.watchers.delete(d);
      }
    for (const d of dirs) {
      if (this.watchers.has(d)) continue;
      try {
        const w = watch(d, { persistent: false }, () => this.kick());
        // Watching is an optimisation: on error (inotify limits), polling still runs.
        w.on('error', () => {
          w.close();
          this.watchers.delete(d);
        });
        this.watchers.set(d, w);
      } catch {
        // Directory missing or not watchable: polling covers it.
      }
    }
  }
}
