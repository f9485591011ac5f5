/** Test helpers for the log store's tests (not production code). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Labels, Matcher, type TenantId } from '../model/index.js';
import type { LogEntry, LogQuerier, LogSelectParams } from '../storage/index.js';
import { defaultLogsStoreConfig, type LogsStoreConfig } from './config.js';
import { inlineChunkEncoder } from './store-encoder.js';
import { LogStore, type LogStoreOptions } from './store.js';

export const T0 = 1_700_000_000_000n * 1_000_000n;
export const MS = 1_000_000n;
export const NOW_MS = Number(T0 / MS);

export function ls(obj: Record<string, string>): Labels {
  return Labels.fromObject(obj);
}

export function eq(name: string, value: string): Matcher {
  return new Matcher('=', name, value);
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-logstore-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function testConfig(over: Partial<LogsStoreConfig> = {}): LogsStoreConfig {
  return { ...defaultLogsStoreConfig(), ...over };
}

export function openStore(dir: string, over: Partial<LogStoreOptions> = {}): Promise<LogStore> {
  return LogStore.open({
    dir,
    config: testConfig(),
    now: () => NOW_MS,
    sealCheckIntervalMs: 0,
    encoder: inlineChunkEncoder,
    ...over,
  });
}

/** Every entry of every matching stream, as "labels ts line" strings (stream order sorted). */
export async function dump(
  q: LogQuerier,
  matchers: Matcher[],
  more: Partial<LogSelectParams> = {},
): Promise<Map<string, LogEntry[]>> {
  const out = new Map<string, LogEntry[]>();
  for await (const s of q.select({
    matchers,
    start: -(2n ** 62n),
    end: 2n ** 62n,
    ...more,
  })) {
    const list = out.get(s.labels.toString()) ?? [];
    for await (const b of s.entries()) list.push(...b);
    out.set(s.labels.toString(), list);
  }
  return out;
}

export async function appendOne(
  store: LogStore,
  tenant: TenantId,
  labels: Labels,
  entries: LogEntry[],
): ReturnType<ReturnType<LogStore['logAppender']>['commit']> {
  const app = store.logAppender(tenant);
  app.append(labels, entries);
  return app.commit();
}
