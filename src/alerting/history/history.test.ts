import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempState } from '../notify/testing-doubles.js';
import { AlertHistory, type HistoryInput } from './history.js';

const ev = (
  time: number,
  kind: HistoryInput['kind'],
  fingerprint: string,
  alertname: string,
): HistoryInput => ({
  tenant: 't',
  time,
  kind,
  fingerprint,
  alertname,
});

describe('AlertHistory', () => {
  it('queries by range, name, fingerprint and kind, and computes MTTA/MTTR per alert name', async () => {
    const st = tempState();
    try {
      const h = new AlertHistory(st.store.sql);
      await h.record([]);
      await h.record([
        ev(100, 'firing', 'f1', 'Disk'),
        ev(160, 'ack', 'f1', 'Disk'),
        ev(170, 'ack', 'f1', 'Disk'),
        ev(400, 'resolved', 'f1', 'Disk'),
        ev(500, 'firing', 'f1', 'Disk'),
        ev(800, 'resolved', 'f1', 'Disk'),
        ev(200, 'firing', 'f2', 'Cpu'),
        ev(900, 'firing', 'f3', 'Cpu'),
        { ...ev(300, 'firing', 'x', 'Other'), tenant: 'u' },
      ]);
      assert.equal((await h.query('t')).length, 8);
      // Retention (checked on a copy of the events in another tenant).
      await h.record(
        [ev(10, 'firing', 'old', 'Gone'), ev(20, 'resolved', 'old', 'Gone')].map((e) => ({
          ...e,
          tenant: 'r',
        })),
      );
      assert.equal(await h.prune(15), 1);
      assert.deepEqual(
        (await h.query('r')).map((e) => e.kind),
        ['resolved'],
      );
      assert.deepEqual(
        (await h.query('t', { from: 150, to: 450, alertname: 'Disk' })).map((e) => e.time),
        [400, 170, 160],
      );
      assert.equal(
        (await h.query('t', { fingerprint: 'f1', kind: 'resolved', limit: 1 })).length,
        1,
      );
      assert.deepEqual(
        await h.lastStates('t'),
        new Map([
          ['f1', 'resolved'],
          ['f2', 'firing'],
          ['f3', 'firing'],
        ]),
      );
      assert.deepEqual(await h.responseTimes('t', 0, 850), [
        { alertname: 'Cpu', episodes: 1, mttaMs: null, mttrMs: null },
        { alertname: 'Disk', episodes: 2, mttaMs: 60, mttrMs: 300 },
      ]);
    } finally {
      await st.cleanup();
    }
  });
});
