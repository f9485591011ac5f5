import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeScheduler } from './clock.js';
import { Escalator, planSteps, type EscalationStep } from './escalation.js';
import { tempState } from './testing-doubles.js';

const M = 60_000;
const policy = {
  name: 'db',
  levels: [
    { receiver: 'primary', delay: 0 },
    { receiver: 'secondary', delay: 15 * M },
    { receiver: 'manager', delay: 45 * M },
  ],
  repeat: 1,
};

describe('planSteps', () => {
  it('counts delays from the first notification and repeats with last delay + last gap', () => {
    assert.deepEqual(
      planSteps(policy, 'primary').map((s) => [s.offsetMs / M, s.level, s.receiver]),
      [
        [15, 2, 'secondary'],
        [45, 3, 'manager'],
        [75, 1, 'primary'],
        [90, 2, 'secondary'],
        [120, 3, 'manager'],
      ],
    );
    const one = planSteps({ name: 'x', levels: [{ receiver: 'a', delay: 0 }], repeat: 2 }, 'b');
    assert.deepEqual(
      one.map((s) => s.offsetMs / M),
      [0, 1, 2],
    );
  });
});

describe('Escalator', () => {
  it('resumes stored progress after a restart and ends when no longer urgent', async () => {
    const st = tempState();
    try {
      const sched = new FakeScheduler(0);
      const got: string[] = [];
      let urgent = true;
      const hooks = {
        urgent: () => urgent,
        notify: (k: string, s: EscalationStep) => {
          got.push(`${k} ${s.receiver} @${sched.now() / M}`);
          return Promise.resolve();
        },
      };
      const a = new Escalator('t', st.store.sql, sched, [policy], hooks);
      await a.begin('g', 'db', 'primary', 0);
      await a.begin('g', 'db', 'primary', 0); // already running: no second plan
      await a.begin('h', 'unknown', 'primary', 0);
      await sched.advance(20 * M);
      assert.deepEqual(got, ['g secondary @15']);
      a.stop(); // "crash": timers gone, progress stored
      const b = new Escalator('t', st.store.sql, sched, [policy], hooks);
      await b.restore();
      await sched.advance(30 * M);
      assert.deepEqual(got, ['g secondary @15', 'g manager @45']);
      urgent = false;
      await sched.advance(60 * M);
      assert.equal(got.length, 2);
      const rows = await st.store.sql.read((r) => r.all('SELECT * FROM alert_escalations'));
      assert.deepEqual(rows, []);
      b.stop();
    } finally {
      await st.cleanup();
    }
  });
});
