/** Shared fixtures of the auth tests: a real SQLite state store in a temp dir, a clock, a log recorder. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { openSqliteState, type StateStore } from '../state/index.js';
import type { Logger } from '../util/index.js';

/** A fresh temp dir, removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-auth-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A manual clock starting at a fixed time. */
export class Clock {
  constructor(public t = 1_700_000_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Opens `<dir>/state.db` (a new temp dir unless given); closed after the test file. */
export function openState(dir = tempDir(), clock?: Clock): StateStore {
  const s = openSqliteState({ file: path.join(dir, 'state.db'), now: clock?.now });
  after(() => s.close());
  return s;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A Logger that keeps every record. */
export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg: string): void => {
      records.push({ level, obj, msg });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
