import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckState } from '../checks/index.js';
import {
  activeWindow,
  evaluateServices,
  overall,
  rootCauses,
  statusOfChecks,
} from './aggregate.js';
import type { MaintenanceWindow } from './types.js';
import type { ServiceRefs } from './validate.js';

describe('statusOfChecks', () => {
  const cases: [CheckState[], string][] = [
    [[], 'unknown'],
    [['unknown', 'unknown'], 'unknown'],
    [['up'], 'up'],
    [['up', 'unknown'], 'up'],
    [['down'], 'down'],
    [['down', 'unknown'], 'down'],
    [['down', 'up'], 'degraded'],
    [['up', 'down', 'up'], 'degraded'],
  ];
  for (const [states, want] of cases)
    it(`${JSON.stringify(states)} → ${want}`, () => assert.equal(statusOfChecks(states), want));
});

const svc = (name: string, depends_on: string[] = [], checks: string[] = []): ServiceRefs => ({
  name,
  depends_on,
  checks,
});

describe('rootCauses', () => {
  // web → api → db, api → cache, worker → db
  const graph = [
    svc('web', ['api']),
    svc('api', ['db', 'cache']),
    svc('worker', ['db']),
    svc('db'),
    svc('cache'),
  ];
  const cases: { down: string[]; want: Record<string, string[]> }[] = [
    { down: [], want: { web: [], api: [], worker: [], db: [], cache: [] } },
    {
      down: ['db'],
      want: { web: ['db'], api: ['db'], worker: ['db'], db: [], cache: [] },
    },
    {
      // api is down only because db is: db is the root cause for web too.
      down: ['db', 'api'],
      want: { web: ['db'], api: ['db'], worker: ['db'], db: [], cache: [] },
    },
    {
      down: ['db', 'cache'],
      want: { web: ['cache', 'db'], api: ['cache', 'db'], worker: ['db'], db: [], cache: [] },
    },
    {
      // api down on its own: it is the root cause for web.
      down: ['api'],
      want: { web: ['api'], api: [], worker: [], db: [], cache: [] },
    },
  ];
  for (const c of cases)
    it(`down ${JSON.stringify(c.down)}`, () => {
      assert.deepEqual(Object.fromEntries(rootCauses(graph, new Set(c.down))), c.want);
    });
  it('tolerates a cycle (an invalid set) without looping', () => {
    const r = rootCauses([svc('a', ['b']), svc('b', ['a']), svc('c', ['a'])], new Set(['b']));
    assert.deepEqual(r.get('c'), []);
  });
});

const win = (service: string, startsAt: number, endsAt: number, id = 1): MaintenanceWindow => ({
  id,
  service,
  startsAt,
  endsAt,
  comment: '',
  createdBy: 'user:a',
  source: 'api',
});

describe('evaluateServices and overall', () => {
  const services = [svc('web', ['db'], ['web-http']), svc('db', [], ['db-tcp', 'db-sql'])];
  const run = (states: Record<string, CheckState>, maint: string[] = []) =>
    evaluateServices(
      services,
      (c) => states[c] ?? 'unknown',
      (s) => (maint.includes(s) ? win(s, 0, 10) : undefined),
    );

  it('db down: web impacted by db; overall down with db the root cause', () => {
    const e = run({ 'web-http': 'down', 'db-tcp': 'down', 'db-sql': 'down' });
    assert.deepEqual(
      e.map((x) => [x.name, x.status, x.impactedBy]),
      [
        ['db', 'down', []],
        ['web', 'down', ['db']],
      ],
    );
    assert.deepEqual(overall(e), { status: 'down', rootCauses: ['db'] });
  });
  it('degraded db', () => {
    const e = run({ 'web-http': 'up', 'db-tcp': 'up', 'db-sql': 'down' });
    assert.deepEqual(overall(e), { status: 'degraded', rootCauses: [] });
    assert.deepEqual(e[0].checks, [
      { name: 'db-tcp', state: 'up' },
      { name: 'db-sql', state: 'down' },
    ]);
  });
  it('maintenance: status maintenance, still a root cause for dependents, ignored overall', () => {
    const e = run({ 'web-http': 'up', 'db-tcp': 'down', 'db-sql': 'down' }, ['db']);
    assert.equal(e[0].status, 'maintenance');
    assert.equal(e[0].raw, 'down');
    assert.equal(e[0].maintenance?.service, 'db');
    assert.deepEqual(e[1].impactedBy, ['db']);
    assert.deepEqual(overall(e), { status: 'up', rootCauses: [] });
  });
  it('all in maintenance; none; up ranks above unknown', () => {
    assert.equal(overall(run({}, ['db', 'web'])).status, 'maintenance');
    assert.deepEqual(overall([]), { status: 'unknown', rootCauses: [] });
    assert.equal(overall(run({ 'web-http': 'up' })).status, 'up');
    assert.equal(overall(run({})).status, 'unknown');
  });
  it('a service without checks is unknown', () => {
    const e = evaluateServices(
      [svc('empty')],
      () => 'up',
      () => undefined,
    );
    assert.equal(e[0].status, 'unknown');
  });
});

describe('activeWindow', () => {
  it('picks the window in force ending last; [start, end)', () => {
    const ws = [win('a', 0, 100, 1), win('a', 50, 200, 2), win('a', 300, 400, 3)];
    assert.equal(activeWindow(ws, 60)?.id, 2);
    assert.equal(activeWindow(ws, 0)?.id, 1);
    assert.equal(activeWindow(ws, 200), undefined);
    assert.equal(activeWindow(ws, 300)?.id, 3);
  });
});
