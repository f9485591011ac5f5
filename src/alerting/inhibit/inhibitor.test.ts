import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_TENANT as D, Labels, tenantId, type Alert } from '../../model/index.js';
import { openSqliteState, type StateStore } from '../../state/index.js';
import { fingerprint } from '../alerts/merge.js';
import { SqliteAlertProvider } from '../alerts/sqlite-provider.js';
import { parseAlertmanagerConfig } from '../config/parse.js';
import { Inhibitor, inhibitRules } from './inhibitor.js';

const T2 = tenantId('t2');
const L = (o: Record<string, string>) => Labels.fromObject(o);
const firing = (o: Record<string, string>, endsAt = 0): Alert => ({
  labels: L(o),
  annotations: {},
  startsAt: 1,
  endsAt,
  generatorURL: '',
});
const fp = (o: Record<string, string>) => fingerprint(L(o));

const CONFIG = `
route: { receiver: r }
receivers: [{ name: r }]
inhibit_rules:
  - source_match: { s1: '1' }
    target_match: { t1: '1' }
    equal: [e]
  - source_matchers: ['s2="1"']
    target_match_re: { t2: '1|one' }
    equal: [e]
  - source_matchers: [severity="critical"]
    target_matchers: [severity=~"critical|warning"]
    equal: [cluster]
`;

describe('Inhibitor (over a real SQLite alert provider)', () => {
  let dir: string;
  let state: StateStore;
  let provider: SqliteAlertProvider;
  let ih: Inhibitor;
  const now = 1_000;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-inhibit-'));
    state = openSqliteState({ file: join(dir, 'state.db') });
    provider = await SqliteAlertProvider.open(state);
    await provider.put(
      D,
      [
        firing({ s1: '1', t1: '2', e: '1' }),
        firing({ s2: '1', t2: '2', e: '2' }),
        firing({ alertname: 'A', severity: 'critical', cluster: 'c1' }),
        firing({ s1: '1', e: 'resolved' }, 500),
      ],
      now,
    );
    await provider.put(T2, [firing({ s1: '1', e: 'other-tenant' })], now);
    const { config } = parseAlertmanagerConfig(CONFIG, { baseDir: dir });
    ih = new Inhibitor(inhibitRules(config.inhibit_rules), provider);
  });
  after(async () => {
    ih.stop();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Cases after Alertmanager's inhibit_test.go (TestInhibitRuleMatches, two-sided matches).
  const cases: [string, Record<string, string>, Record<string, string> | null][] = [
    ['target of rule 1, equal e', { t1: '1', e: '1' }, { s1: '1', t1: '2', e: '1' }],
    ['target of rule 2 (regex), equal e', { t2: 'one', e: '2' }, { s2: '1', t2: '2', e: '2' }],
    ['extra labels do not matter', { t1: '1', t3: '1', e: '1' }, { s1: '1', t1: '2', e: '1' }],
    ['equal label differs', { t1: '1', e: '2' }, null],
    ['equal label missing on the target', { t1: '1' }, null],
    ['not a target', { t1: '2', e: '1' }, null],
    ['resolved sources do not inhibit', { t1: '1', e: 'resolved' }, null],
    ['sources of another tenant do not inhibit', { t1: '1', e: 'other-tenant' }, null],
    [
      'warning inhibited by a critical of its cluster',
      { severity: 'warning', cluster: 'c1' },
      { alertname: 'A', severity: 'critical', cluster: 'c1' },
    ],
    ['not across clusters', { severity: 'warning', cluster: 'c2' }, null],
    [
      'a two-sided alert never inhibits itself',
      { alertname: 'A', severity: 'critical', cluster: 'c1' },
      null,
    ],
    ['nor another two-sided one', { alertname: 'B', severity: 'critical', cluster: 'c1' }, null],
  ];
  for (const [name, target, source] of cases) {
    it(name, () => {
      assert.deepEqual(ih.mutedBy(D, L(target), now), source === null ? [] : [fp(source)]);
    });
  }

  it('follows puts: a new source inhibits, its resolution lifts it (no rescan)', async () => {
    const target = L({ t1: '1', e: 'new' });
    assert.deepEqual(ih.mutedBy(D, target, now), []);
    await provider.put(D, [firing({ s1: '1', e: 'new' })], now);
    assert.deepEqual(ih.mutedBy(D, target, now), [fp({ s1: '1', e: 'new' })]);
    await provider.put(D, [firing({ s1: '1', e: 'new' }, now)], now + 1);
    assert.deepEqual(ih.mutedBy(D, target, now + 1), []);
    // A source that times out (endsAt from resolve_timeout) stops inhibiting by itself.
    assert.deepEqual(ih.mutedBy(D, L({ t1: '1', e: '1' }), now + 301_000), []);
    assert.deepEqual(ih.mutedBy(D, L({ t1: '1', e: '1' }), now + 301_000 + 300_000), [], 'pruned');
  });

  it('a tenant first seen after puts is seeded from the provider', async () => {
    const t3 = tenantId('t3');
    await provider.put(t3, [firing({ s1: '1', e: 'x' })], now);
    assert.deepEqual(ih.mutedBy(t3, L({ t1: '1', e: 'x' }), now), [fp({ s1: '1', e: 'x' })]);
  });

  it('no rules, nothing muted', () => {
    const none = new Inhibitor([], provider);
    assert.deepEqual(none.mutedBy(D, L({ t1: '1', e: '1' }), now), []);
    none.stop();
  });
});
