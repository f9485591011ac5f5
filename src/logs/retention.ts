import type { Labels, Matcher, TenantId } from '../model/index.js';
import type { ChunkEntry, TenantIndex } from './chunk-store-index.js';
import type { RetentionPolicy } from './types.js';

/**
 * Which chunks retention drops (ADR 0005 §6). Only whole chunks go, and a chunk goes only when
 * its newest record is past its stream's period. A stream's period is, first match wins:
 * the tenant's stream rules, the global stream rules, the tenant's period, the global period
 * (0 = forever). Then, while the live chunks of all tenants exceed `maxBytes`, the oldest chunks
 * (by maxt, then mint) go, whatever their tenant.
 */

type StreamRule = { matchers: Matcher[]; periodMs: number };

function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/** The retention period (ms, 0 = forever) of a stream of `tenant`. */
export function streamPeriodMs(policy: RetentionPolicy, tenant: TenantId, labels: Labels): number {
  const t = policy.tenants.get(tenant);
  const rules: readonly StreamRule[][] = t ? [t.streams, policy.streams] : [policy.streams];
  for (const list of rules) {
    for (const r of list) if (matchesAll(r.matchers, labels)) return r.periodMs;
  }
  return t?.periodMs ?? policy.periodMs;
}

/** The live chunks `policy` drops at `nowMs`, each once. */
export function planRetention(
  tenants: Iterable<TenantIndex>,
  policy: RetentionPolicy,
  nowMs: number,
): ChunkEntry[] {
  const drop: ChunkEntry[] = [];
  const kept: ChunkEntry[] = [];
  let keptBytes = 0;
  for (const ti of tenants) {
    for (const s of ti.allStreams()) {
      if (s.chunks.length === 0) continue;
      const period = streamPeriodMs(policy, ti.tenant, s.labels);
      const cutoff = period > 0 ? BigInt(Math.floor(nowMs - period)) * 1_000_000n : undefined;
      for (const c of s.chunks) {
        if (cutoff !== undefined && c.maxt < cutoff) drop.push(c);
        else if (policy.maxBytes > 0) {
          kept.push(c);
          keptBytes += c.sizeBytes;
        }
      }
    }
  }
  if (policy.maxBytes > 0 && keptBytes > policy.maxBytes) {
    kept.sort((a, b) =>
      a.maxt !== b.maxt
        ? a.maxt < b.maxt
          ? -1
          : 1
        : a.mint !== b.mint
          ? a.mint < b.mint
            ? -1
            : 1
          : a.ref - b.ref,
    );
    for (const c of kept) {
      if (keptBytes <= policy.maxBytes) break;
      drop.push(c);
      keptBytes -= c.sizeBytes;
    }
  }
  return drop;
}
