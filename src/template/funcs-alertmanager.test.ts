import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AlertList,
  GoTime,
  KV,
  TemplateSet,
  ZERO_TIME,
  alertmanagerFuncs,
  expandTemplate,
} from './index.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

function alert(
  status: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  startMin: number,
  endMin?: number,
) {
  return {
    Status: status,
    Labels: KV.from(labels),
    Annotations: KV.from(annotations),
    StartsAt: new GoTime(NOW - startMin * 60_000),
    EndsAt: endMin === undefined ? ZERO_TIME : new GoTime(NOW - endMin * 60_000),
    GeneratorURL: `http://prom:9090/graph?g0.expr=up`,
    Fingerprint: 'abc123',
  };
}

/** A notification for two firing and one resolved alert, shaped like Alertmanager's Data. */
function notification() {
  const alerts = AlertList.fromAlerts([
    alert(
      'firing',
      { alertname: 'NodeDown', job: 'node', instance: 'a:9100', severity: 'critical' },
      { summary: 'Node down', description: 'Host  a\n is   down' },
      65,
    ),
    alert(
      'firing',
      { alertname: 'NodeDown', job: 'node', instance: 'b:9100', severity: 'critical' },
      { summary: 'Node down' },
      5,
    ),
    alert(
      'resolved',
      { alertname: 'NodeDown', job: 'node', instance: 'c:9100', severity: 'critical' },
      { summary: 'Node down' },
      120,
      30,
    ),
  ]);
  return {
    Receiver: 'team ops',
    Status: 'firing',
    Alerts: alerts,
    GroupLabels: KV.from({ alertname: 'NodeDown' }),
    CommonLabels: KV.from({ alertname: 'NodeDown', job: 'node', severity: 'critical' }),
    CommonAnnotations: KV.from({ summary: 'Node down' }),
    ExternalURL: 'http://am.example:9093',
  };
}

describe('alertmanagerFuncs with a default.tmpl-style notification template', () => {
  const set = new TemplateSet({ funcs: alertmanagerFuncs({ now: () => NOW }), missingKey: 'zero' });
  set.parse(
    'notification.tmpl',
    readFileSync(join(process.cwd(), 'src/template/testdata/notification.tmpl'), 'utf8'),
  );
  const data = notification();

  it('renders the subject line', async () => {
    assert.equal(await set.execute('chat.title', data), '[FIRING:2] NodeDown (node critical)');
  });

  it('renders the alert lists', async () => {
    const text = await set.execute('chat.text', data);
    assert.equal(
      text,
      [
        '*Summary:* Node down',
        'Firing:',
        'Labels:',
        ' - alertname = NodeDown',
        ' - instance = a:9100',
        ' - job = node',
        ' - severity = critical',
        'Annotations:',
        ' - description = Host  a\n is   down',
        ' - summary = Node down',
        'Source: http://prom:9090/graph?g0.expr=up',
        'Labels:',
        ' - alertname = NodeDown',
        ' - instance = b:9100',
        ' - job = node',
        ' - severity = critical',
        'Annotations:',
        ' - summary = Node down',
        'Source: http://prom:9090/graph?g0.expr=up',
        'Resolved:',
        'Labels:',
        ' - alertname = NodeDown',
        ' - instance = c:9100',
        ' - job = node',
        ' - severity = critical',
        'Annotations:',
        ' - summary = Node down',
        'Source: http://prom:9090/graph?g0.expr=up',
        '',
      ].join('\n'),
    );
  });

  it('renders the HTML body with times, escaping and regex cleanup', async () => {
    const html = await set.execute('mail.html', data);
    assert.equal(
      html,
      [
        '<h1>Argus: 3 alerts for alertname=NodeDown </h1>',
        '<a href="http://am.example:9093/#/alerts?receiver=team+ops">View in Argus</a>',
        '<ul>',
        '<li>#0 NodeDown Firing since 2024-01-15 10:55:00 UTC: Host a is down</li>',
        '<li>#1 NodeDown Firing since 2024-01-15 11:55:00 UTC</li>',
        '<li>#2 NodeDown Resolved since 2024-01-15 10:00:00 UTC until 11:30</li>',
        '</ul>',
      ].join('\n'),
    );
  });

  it('renders JSON and the remaining functions', async () => {
    assert.equal(
      await set.execute('webhook.json', data),
      '{"alertname":"NodeDown","job":"node","severity":"critical"}',
    );
    assert.equal(
      await set.execute('misc', data),
      'a,b|/path x|1h 5m 0s|11:55 CET|Hello World|true|https://x',
    );
  });

  it('prints KV through its String method', async () => {
    assert.equal(
      await expandTemplate('t', '{{ .CommonLabels }}', data),
      'alertname=NodeDown, job=node, severity=critical',
    );
  });

  it('reports bad arguments as execution errors', async () => {
    const funcs = alertmanagerFuncs();
    await assert.rejects(
      expandTemplate('t', '{{ tz "Mars/Olympus" .T }}', { T: ZERO_TIME }, { funcs }),
      /unknown time zone Mars\/Olympus/,
    );
    await assert.rejects(
      expandTemplate('t', '{{ urlUnescape "%zz" }}', null, { funcs }),
      /invalid URL escape "%zz"/,
    );
    await assert.rejects(
      expandTemplate('t', '{{ date "2006" "x" }}', null, { funcs }),
      /expected time.Time/,
    );
    await assert.rejects(
      expandTemplate('t', '{{ join "," "x" }}', null, { funcs }),
      /expected \[\]string/,
    );
    await assert.rejects(
      expandTemplate('t', '{{ toJson . }}', NaN, { funcs }),
      /unsupported value: NaN/,
    );
  });

  it('toJson escapes HTML characters like encoding/json', async () => {
    const out = await expandTemplate(
      't',
      '{{ toJson . }}',
      { b: '<&>', a: [1n, 2.5] },
      { funcs: alertmanagerFuncs() },
    );
    assert.equal(out, '{"a":[1,2.5],"b":"\\u003c\\u0026\\u003e"}');
  });
});
