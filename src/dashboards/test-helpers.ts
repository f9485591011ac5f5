import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteState, type StateStore } from '../state/index.js';
import type { Dashboard } from './schema.js';
import { parseDashboard } from './schema.js';

/** A state store on a real SQLite file in a temp dir (tests). */
export function tempState(): { state: StateStore; dir: string; close(): Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-dash-'));
  let t = 0;
  const state = openSqliteState({
    file: path.join(dir, 'state.db'),
    now: () => 1_700_000_000_000 + ++t,
  });
  return {
    state,
    dir,
    async close() {
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small valid dashboard (tests). */
export function sample(over: Partial<Dashboard> = {}): Dashboard {
  return parseDashboard({
    schemaVersion: 1,
    uid: 'node',
    title: 'Node',
    tags: ['host'],
    panels: [
      {
        id: 1,
        type: 'timeseries',
        title: 'CPU',
        gridPos: { x: 0, y: 0, w: 12, h: 8 },
        targets: [{ expr: 'rate(node_cpu_seconds_total[5m])', legend: '{{instance}}', refId: 'A' }],
        unit: 'percentunit',
      },
    ],
    ...over,
  });
}
