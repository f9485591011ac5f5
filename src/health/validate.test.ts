import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateServices, type ServiceRefs } from './validate.js';

const svc = (name: string, depends_on: string[] = [], checks: string[] = []): ServiceRefs => ({
  name,
  depends_on,
  checks,
});
const CHECKS = new Set(['c1', 'c2']);

describe('validateServices', () => {
  const cases: { name: string; defs: ServiceRefs[]; want: string[] }[] = [
    { name: 'valid DAG', defs: [svc('api', ['db'], ['c1']), svc('db', [], ['c2'])], want: [] },
    { name: 'empty', defs: [], want: [] },
    {
      name: 'unknown check',
      defs: [svc('api', [], ['c1', 'nope'])],
      want: ['services.api.checks: unknown check "nope"'],
    },
    {
      name: 'unknown dependency',
      defs: [svc('api', ['db'])],
      want: ['services.api.depends_on: unknown service "db"'],
    },
    {
      name: 'self dependency',
      defs: [svc('api', ['api'])],
      want: ['services.api.depends_on: a service cannot depend on itself'],
    },
    {
      name: 'duplicate names',
      defs: [svc('web'), svc('api'), svc('web'), svc('api')],
      want: ['services: duplicate service name "api"', 'services: duplicate service name "web"'],
    },
    {
      name: 'cycle named in order from its smallest name',
      defs: [svc('db', ['cache']), svc('cache', ['api']), svc('api', ['db'])],
      want: ['services: dependency cycle: api → db → cache → api'],
    },
    {
      name: 'cycle entered from outside, rotated',
      defs: [svc('web', ['x']), svc('x', ['y']), svc('y', ['z']), svc('z', ['x'])],
      want: ['services: dependency cycle: x → y → z → x'],
    },
    {
      name: 'two cycles, each once',
      defs: [svc('a', ['b']), svc('b', ['a']), svc('c', ['d']), svc('d', ['c'])],
      want: ['services: dependency cycle: a → b → a', 'services: dependency cycle: c → d → c'],
    },
    {
      name: 'diamond is not a cycle',
      defs: [svc('a', ['b', 'c']), svc('b', ['d']), svc('c', ['d']), svc('d')],
      want: [],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      assert.deepEqual(validateServices(c.defs, CHECKS), c.want);
      // Deterministic whatever the input order.
      assert.deepEqual(validateServices([...c.defs].reverse(), CHECKS).sort(), [...c.want].sort());
    });
});
