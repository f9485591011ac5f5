import { createHash } from 'node:crypto';

/** The prevHash of the first entry ever: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code units, JavaScript's default sort) at every
 * depth and no whitespace, so the same value always hashes the same. Input must already be
 * plain JSON data (see `jsonValue`): undefined, functions, NaN and the like are not expected.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (i > 0) out += ',';
    out += `${JSON.stringify(k)}:${canonicalJson(o[k])}`;
  }
  return `${out}}`;
}

/**
 * Normalises a caller's before/after value to what the store keeps: a JSON round trip
 * (undefined → null, Dates → strings, NaN → null, undefined members dropped), so the hash
 * computed at append equals the one recomputed from the stored text at verify.
 */
export function jsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  const s = JSON.stringify(v);
  return s === undefined ? null : (JSON.parse(s) as unknown);
}

/** The hashed fields of an entry. */
export interface HashedFields {
  seq: number;
  time: number;
  actor: string;
  tenant: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

/** `sha256hex(prevHash + "\n" + canonicalJson({seq,time,actor,tenant,action,target,before,after}))`. */
export function entryHash(prevHash: string, f: HashedFields): string {
  const body = canonicalJson({
    seq: f.seq,
    time: f.time,
    actor: f.actor,
    tenant: f.tenant,
    action: f.action,
    target: f.target,
    before: f.before,
    after: f.after,
  });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

/** The text a checkpoint's signature covers. */
export function checkpointData(seq: number, hash: string, time: number): string {
  return `${seq}:${hash}:${time}`;
}
