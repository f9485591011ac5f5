import type { Statement } from 'better-sqlite3';
import { StateCorruptError } from './errors.js';
import { checkpointData, entryHash, GENESIS_HASH, jsonValue } from './audit-hash.js';
import type { SqliteCtx } from './sqlite-ctx.js';
import type {
  Audit,
  AuditCheckpoint,
  AuditEntry,
  AuditFilter,
  AuditInput,
  AuditSigner,
  AuditVerdict,
} from './types.js';

interface AuditRecord {
  seq: number;
  time: number;
  actor: string;
  tenant: string;
  action: string;
  target: string;
  before: string;
  after: string;
  prev_hash: string;
  hash: string;
}

const COLS = 'seq, time, actor, tenant, action, target, before, after, prev_hash, hash';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function parseJson(text: string, seq: number, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new StateCorruptError(`cannot read audit entry ${seq}: ${field} is not JSON`, {
      cause: err,
    });
  }
}

/**
 * A stored before/after for listing: a damaged value is shown as such rather than failing the
 * whole page (`verify` names the entry).
 */
function readable(text: string, seq: number, field: string): unknown {
  try {
    return parseJson(text, seq, field);
  } catch {
    return { $corrupt: `${field} of entry ${seq} is not JSON; run argus audit verify` };
  }
}

function toEntry(r: AuditRecord): AuditEntry {
  return {
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    tenant: r.tenant,
    action: r.action,
    target: r.target,
    before: readable(r.before, r.seq, 'before'),
    after: readable(r.after, r.seq, 'after'),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The hash-chained audit trail (docs/format/audit.md). Other repositories call `appendInTx`
 * inside their own write transaction so a change and its entry commit together.
 */
export class SqliteAudit implements Audit {
  private readonly last: Statement<[], { seq: number; hash: string }>;
  private readonly insert: Statement<[AuditRecord]>;
  private readonly getCheckpoint: Statement<[], AuditCheckpoint>;
  private readonly walk: Statement<[number], AuditRecord>;
  private readonly walkUpTo: Statement<[number, number], AuditRecord>;
  private readonly listCache = new Map<string, Statement<unknown[], AuditRecord>>();

  constructor(private readonly ctx: SqliteCtx) {
    const db = ctx.db;
    this.last = db.prepare(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`);
    this.insert = db.prepare(
      `INSERT INTO audit (${COLS}) VALUES (@seq, @time, @actor, @tenant, @action, @target, @before, @after, @prev_hash, @hash)`,
    );
    this.getCheckpoint = db.prepare(
      `SELECT seq, hash, time, signature FROM audit_checkpoint WHERE id = 1`,
    );
    this.walk = db.prepare(`SELECT ${COLS} FROM audit WHERE seq > ? ORDER BY seq`);
    this.walkUpTo = db.prepare(`SELECT ${COLS} FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq`);
  }

  /** Appends an entry; the caller MUST hold a write transaction (ctx.write). */
  appendInTx(e: AuditInput): AuditEntry {
    const tip = this.last.get() ?? this.getCheckpoint.get();
    const seq = (tip?.seq ?? 0) + 1;
    const prevHash = tip?.hash ?? GENESIS_HASH;
    const before = jsonValue(e.before);
    const after = jsonValue(e.after);
    const time = e.time ?? this.ctx.now();
    const fields = {
      seq,
      time,
      actor: e.actor,
      tenant: e.tenant,
      action: e.action,
      target: e.target,
    };
    const hash = entryHash(prevHash, { ...fields, before, after });
    this.insert.run({
      ...fields,
      before: JSON.stringify(before),
      after: JSON.stringify(after),
      prev_hash: prevHash,
      hash,
    });
    return { ...fields, before, after, prevHash, hash };
  }

  async append(e: AuditInput): Promise<AuditEntry> {
    return this.ctx.write(() => this.appendInTx(e));
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (cond: string, v: unknown): void => {
      if (v === undefined) return;
      where.push(cond);
      args.push(v);
    };
    add('tenant = ?', filter.tenant);
    add('actor = ?', filter.actor);
    add('action = ?', filter.action);
    add('time >= ?', filter.from);
    add('time <= ?', filter.to);
    add('seq < ?', filter.beforeSeq);
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
    const sql = `SELECT ${COLS} FROM audit${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    let stmt = this.listCache.get(sql);
    if (stmt === undefined) {
      stmt = this.ctx.db.prepare<unknown[], AuditRecord>(sql);
      this.listCache.set(sql, stmt);
    }
    return stmt.all(...args, limit).map(toEntry);
  }

  async checkpoint(): Promise<AuditCheckpoint | undefined> {
    return this.getCheckpoint.get();
  }

  async verify(signer: AuditSigner): Promise<AuditVerdict> {
    // A read transaction: the checkpoint and the walk see one snapshot even while others append.
    const run = this.ctx.db.transaction(() => this.verifyRange(signer, Infinity));
    return run.deferred();
  }

  /** Walks the chain from the checkpoint (or genesis) through entry `upTo`. */
  private verifyRange(signer: AuditSigner, upTo: number): AuditVerdict {
    const cp = this.getCheckpoint.get();
    let expectSeq = 1;
    let prevHash = GENESIS_HASH;
    if (cp !== undefined) {
      if (!signer.verify(checkpointData(cp.seq, cp.hash, cp.time), cp.signature)) {
        return {
          ok: false,
          seq: cp.seq,
          reason: `checkpoint at entry ${cp.seq}: signature does not match (forged checkpoint, or a different audit key)`,
        };
      }
      expectSeq = cp.seq + 1;
      prevHash = cp.hash;
    }
    const rows =
      upTo === Infinity
        ? this.walk.iterate(expectSeq - 1)
        : this.walkUpTo.iterate(expectSeq - 1, upTo);
    let entries = 0;
    let firstSeq: number | null = null;
    for (const r of rows) {
      const broken = this.check(r, expectSeq, prevHash);
      if (broken !== undefined) {
        rows.return?.();
        return { ok: false, seq: broken.seq, reason: broken.reason };
      }
      firstSeq ??= r.seq;
      entries++;
      expectSeq++;
      prevHash = r.hash;
    }
    return { ok: true, entries, firstSeq, lastSeq: firstSeq === null ? null : expectSeq - 1 };
  }

  private check(
    r: AuditRecord,
    expectSeq: number,
    prevHash: string,
  ): { seq: number; reason: string } | undefined {
    if (r.seq !== expectSeq) {
      const missing = r.seq - expectSeq === 1 ? `${expectSeq}` : `${expectSeq}-${r.seq - 1}`;
      return {
        seq: expectSeq,
        reason: `entry ${missing} missing (deleted): next stored entry is ${r.seq}`,
      };
    }
    if (r.prev_hash !== prevHash) {
      return {
        seq: r.seq,
        reason: `entry ${r.seq}: prevHash ${r.prev_hash} does not match the previous entry's hash ${prevHash}`,
      };
    }
    let before: unknown;
    let after: unknown;
    try {
      before = JSON.parse(r.before) as unknown;
      after = JSON.parse(r.after) as unknown;
    } catch {
      return { seq: r.seq, reason: `entry ${r.seq}: before/after is not JSON (edited)` };
    }
    const want = entryHash(prevHash, { ...r, before, after });
    if (want !== r.hash) {
      return { seq: r.seq, reason: `entry ${r.seq}: content does not match its hash (edited)` };
    }
    return undefined;
  }

  async prune(before: number, signer: AuditSigner): Promise<number> {
    return this.ctx.write(() => {
      // The prefix ends just before the first entry at or after `before`, so entries
      // appended out of time order (clock skew between processes) are never skipped.
      const first = this.ctx.db
        .prepare<[number], { seq: number | null }>(
          `SELECT MIN(seq) AS seq FROM audit WHERE time >= ?`,
        )
        .get(before)!.seq;
      const lastRemoved = this.ctx.db
        .prepare<[number], AuditRecord>(
          `SELECT ${COLS} FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT 1`,
        )
        .get(first ?? Number.MAX_SAFE_INTEGER);
      if (lastRemoved === undefined) return 0;
      // Never sign over a broken prefix: that would launder an edit into a valid checkpoint.
      const verdict = this.verifyRange(signer, lastRemoved.seq);
      if (!verdict.ok) {
        throw new StateCorruptError(
          `cannot prune audit trail: chain is broken at entry ${verdict.seq ?? '?'}: ${verdict.reason}`,
        );
      }
      const removed = this.ctx.db
        .prepare(`DELETE FROM audit WHERE seq <= ?`)
        .run(lastRemoved.seq).changes;
      const { seq, hash, time } = lastRemoved;
      this.ctx.db
        .prepare(
          `INSERT INTO audit_checkpoint (id, seq, hash, time, signature) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, time = excluded.time, signature = excluded.signature`,
        )
        .run(seq, hash, time, signer.sign(checkpointData(seq, hash, time)));
      return removed;
    });
  }
}
