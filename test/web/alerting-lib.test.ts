import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ackFromHistory,
  badges,
  groupAck,
  groupTitle,
  ownLabels,
  pendingAlerts,
  visibleGroups,
  type AlertLike,
} from '../../web/src/lib/alerting/alerts.js';
import { escalationPolicies } from '../../web/src/lib/alerting/escalation.js';
import {
  actorLabel,
  formatDuration,
  formatSeconds,
  parseDuration,
  relative,
  safeHttpUrl,
} from '../../web/src/lib/alerting/format.js';
import { byDay, describeEntry, meanCell } from '../../web/src/lib/alerting/history.js';
import {
  exploreHref,
  filterRuleGroups,
  isApiManaged,
  isBuiltIn,
  isFileProvisioned,
  stateCounts,
  type RuleLike,
} from '../../web/src/lib/alerting/rules.js';

const alert = (fp: string, over: Partial<AlertLike> = {}): AlertLike => ({
  fingerprint: fp,
  labels: { alertname: 'A', fp },
  status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  ...over,
});

describe('alerting format', () => {
  it('parses and formats durations', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1w2d'), 9 * 86_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration(''), undefined);
    assert.equal(parseDuration('2 hours'), undefined);
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(3_600_000 + 5000), '1h');
    assert.equal(formatDuration(12), '12ms');
    assert.equal(formatDuration(2 * 86_400_000 + 3 * 3_600_000), '2d3h');
    assert.equal(relative(0, 300_000), '5m ago');
    assert.equal(relative(7_200_000, 0), 'in 2h');
    assert.equal(relative(5, 10), 'now');
    assert.equal(formatSeconds(0.0123), '12.3ms');
    assert.equal(formatSeconds(undefined), '—');
    assert.equal(actorLabel('user:ann'), 'ann');
    assert.equal(actorLabel('token:ci/3'), 'token:ci/3');
  });

  it('links only http(s) URLs', () => {
    assert.equal(safeHttpUrl('https://wiki.example/run'), 'https://wiki.example/run');
    assert.equal(safeHttpUrl('javascript:alert(1)'), undefined);
    assert.equal(safeHttpUrl('data:text/html,<b>x</b>'), undefined);
    assert.equal(safeHttpUrl('not a url'), undefined);
    assert.equal(safeHttpUrl(undefined), undefined);
  });
});

describe('alerting alerts', () => {
  it('badges an alert by its status and acknowledgement', () => {
    assert.deepEqual(badges(alert('1')), []);
    assert.deepEqual(
      badges(
        alert('1', {
          status: { state: 'suppressed', silencedBy: ['s'], inhibitedBy: ['i'] },
          acknowledged: { by: 'ann', at: 1 },
        }),
      ),
      ['silenced', 'inhibited', 'acknowledged'],
    );
  });

  it('hides silenced/inhibited alerts unless asked, drops empty groups, sorts by receiver', () => {
    const silenced = alert('2', {
      status: { state: 'suppressed', silencedBy: ['s'], inhibitedBy: [] },
    });
    const groups = [
      { labels: { alertname: 'B' }, receiver: { name: 'web' }, alerts: [silenced] },
      { labels: { alertname: 'A' }, receiver: { name: 'ops' }, alerts: [alert('1'), silenced] },
    ];
    const hidden = visibleGroups(groups, { silenced: false, inhibited: false });
    assert.deepEqual(
      hidden.map((g) => [g.receiver.name, g.alerts.map((a) => a.fingerprint)]),
      [['ops', ['1']]],
    );
    const shown = visibleGroups(groups, { silenced: true, inhibited: false });
    assert.deepEqual(
      shown.map((g) => g.receiver.name),
      ['ops', 'web'],
    );
  });

  it('titles groups, says a group ack state, and leaves group labels off rows', () => {
    assert.equal(groupTitle({ job: 'x', alertname: 'A' }), 'alertname="A", job="x"');
    assert.equal(groupTitle({}), '(all alerts)');
    assert.equal(groupAck([alert('1'), alert('2')]), 'none');
    assert.equal(groupAck([alert('1', { acknowledged: { by: 'a', at: 1 } }), alert('2')]), 'some');
    assert.equal(groupAck([alert('1', { acknowledged: { by: 'a', at: 1 } })]), 'all');
    assert.deepEqual(ownLabels({ alertname: 'A', job: 'x', i: '1' }, { job: 'x' }), [
      ['alertname', 'A'],
      ['i', '1'],
    ]);
  });

  it('lists pending rule alerts under the filter', () => {
    const all = [
      { labels: { alertname: 'B' }, state: 'pending' },
      { labels: { alertname: 'A' }, state: 'pending' },
      { labels: { alertname: 'C' }, state: 'firing' },
    ];
    assert.deepEqual(
      pendingAlerts(all, []).map((a) => a.labels.alertname),
      ['A', 'B'],
    );
    assert.deepEqual(
      pendingAlerts(all, [{ name: 'alertname', op: '=', value: 'B' }]).map(
        (a) => a.labels.alertname,
      ),
      ['B'],
    );
  });

  it('derives an acknowledgement from the history: the newest ack/unack of this episode', () => {
    const e = (time: number, kind: string, fingerprint = 'f', detail = {}) => ({
      time,
      kind,
      fingerprint,
      detail,
    });
    assert.deepEqual(ackFromHistory([e(10, 'ack', 'f', { by: 'ann', comment: 'on it' })], 'f', 5), {
      by: 'ann',
      at: 10,
      comment: 'on it',
    });
    assert.equal(ackFromHistory([e(10, 'ack'), e(20, 'unack')], 'f', 5), undefined);
    // An ack of an earlier episode does not count; nor does another alert's.
    assert.equal(ackFromHistory([e(3, 'ack'), e(10, 'ack', 'g')], 'f', 5), undefined);
  });
});

describe('alerting history', () => {
  const entry = (kind: string, detail: Record<string, unknown> = {}, time = 0) => ({
    seq: time,
    time,
    kind,
    fingerprint: 'f',
    alertname: 'A',
    detail,
  });

  it('describes receipts, acks, silences and state changes', () => {
    assert.deepEqual(
      describeEntry(
        entry('attempt', {
          receiver: 'ops',
          channel: 'webhook[0]',
          ok: false,
          status: 503,
          latencyMs: 12,
          attempt: 2,
          error: 'HTTP 503',
        }),
      ),
      {
        title: 'Notification failed',
        facts: ['ops → webhook[0]', 'status 503', '12ms', 'attempt 2', 'HTTP 503'],
        tone: 'bad',
      },
    );
    assert.equal(
      describeEntry(entry('attempt', { ok: true, channel: 'x' })).title,
      'Notification delivered',
    );
    assert.deepEqual(describeEntry(entry('ack', { by: 'user:ann', comment: 'mine' })).facts, [
      'by ann',
      'mine',
    ]);
    assert.deepEqual(describeEntry(entry('silenced', { silencedBy: ['s1'], inhibitedBy: [] })), {
      title: 'Silenced',
      facts: ['silence s1'],
      tone: 'muted',
    });
    assert.equal(describeEntry(entry('firing')).tone, 'bad');
    assert.equal(describeEntry(entry('resolved')).tone, 'good');
    assert.equal(describeEntry(entry('something-new')).title, 'something-new');
  });

  it('buckets entries by day in order, and formats mean times', () => {
    const days = byDay(
      [entry('firing', {}, 30), entry('ack', {}, 20), entry('firing', {}, 5)],
      (t) => (t >= 10 ? 'b' : 'a'),
    );
    assert.deepEqual(
      days.map((d) => [d.day, d.entries.length]),
      [
        ['b', 2],
        ['a', 1],
      ],
    );
    assert.equal(meanCell(null), '—');
    assert.equal(meanCell(90_000), '1m30s');
  });
});

describe('alerting rules', () => {
  const r = (name: string, over: Partial<RuleLike> = {}): RuleLike => ({
    name,
    query: 'up == 0',
    type: 'alerting',
    state: 'inactive',
    health: 'ok',
    ...over,
  });
  const groups = [
    { name: 'g1', file: '/etc/rules.yml', rules: [r('Down', { state: 'firing' }), r('Slow')] },
    {
      name: 'g2',
      file: '',
      rules: [r('rec', { type: 'recording', state: undefined, health: 'err' })],
    },
  ];

  it('filters by text and state, counts states', () => {
    assert.deepEqual(
      filterRuleGroups(groups, { text: '', state: 'firing' }).map((g) =>
        g.rules.map((x) => x.name),
      ),
      [['Down']],
    );
    assert.deepEqual(
      filterRuleGroups(groups, { text: 'g2', state: 'all' }).map((g) => g.name),
      ['g2'],
    );
    assert.deepEqual(
      filterRuleGroups(groups, { text: '', state: 'error' }).map((g) => g.name),
      ['g2'],
    );
    assert.deepEqual(stateCounts(groups), { inactive: 1, pending: 0, firing: 1, error: 1 });
  });

  it('links to Explore and knows file-provisioned groups', () => {
    assert.equal(exploreHref('rate(x[5m]) > 0'), '/explore?q=rate%28x%5B5m%5D%29+%3E+0');
    assert.equal(isFileProvisioned(groups[0]), true);
    assert.equal(isFileProvisioned(groups[1]), false);
    assert.equal(isBuiltIn({ file: '<builtin>' }), true);
    assert.equal(isBuiltIn(groups[0]), false);
    assert.equal(isFileProvisioned({ file: '<builtin>' }), false);
    assert.equal(isFileProvisioned({ file: 'api' }), false);
    assert.equal(isApiManaged({ file: 'api' }), true);
    assert.equal(isApiManaged(groups[0]), false);
  });
});

describe('alerting escalation policies', () => {
  it('reads policies and the routes that use them from the config', () => {
    const cfg = {
      route: {
        receiver: 'default',
        routes: [{ matchers: ['team="db"'], receiver: 'db', escalation_policy: 'db-oncall' }],
      },
      escalation_policies: [
        {
          name: 'db-oncall',
          levels: [{ receiver: 'db' }, { receiver: 'mgr', delay: '15m' }],
          repeat: 2,
        },
        { name: 'unused', levels: [] },
        'garbage',
      ],
    };
    assert.deepEqual(escalationPolicies(cfg), [
      {
        name: 'db-oncall',
        levels: [
          { receiver: 'db', delay: '' },
          { receiver: 'mgr', delay: '15m' },
        ],
        repeat: 2,
        usedBy: ['db (team="db")'],
      },
      { name: 'unused', levels: [], repeat: 0, usedBy: [] },
    ]);
    assert.deepEqual(escalationPolicies(null), []);
    assert.deepEqual(escalationPolicies({ route: {} }), []);
  });
});
