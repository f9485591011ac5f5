import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pagerdutyConfig } from '../../../config/receivers-schema.js';
import {
  sampleNotification,
  signal,
  startCapture,
  testContext,
  type CaptureServer,
} from '../testkit.js';
import { createPagerDuty } from './pagerduty.js';

const dedup = createHash('sha256').update('{}/{team="db"}:{alertname="HighCPU"}').digest('hex');

describe('pagerduty channel', () => {
  let srv: CaptureServer;
  before(async () => (srv = await startCapture()));
  after(() => srv.close());

  it('triggers, acknowledges and resolves one incident per group (Events API v2)', async () => {
    srv.requests.length = 0;
    const ch = createPagerDuty(
      pagerdutyConfig.parse({
        routing_key: 'rk-0123456789',
        url: `${srv.url}/v2/enqueue`,
        severity: '{{ .CommonLabels.severity }}',
        details: { team: 'db', count: 3 },
        links: [{ href: '{{ .ExternalURL }}/x', text: 'Argus' }],
        images: [{ src: 'http://img/1.png', alt: 'graph' }],
      }),
      testContext(),
    );
    assert.equal(ch.sendsAcks, true);
    srv.replies.push({ status: 202, body: '{"status":"success"}' });
    assert.deepEqual(await ch.send(sampleNotification(), signal()), {
      ok: true,
      retryable: false,
      status: 202,
    });
    await ch.send(sampleNotification({ ackUpdate: true }), signal());
    await ch.send(sampleNotification({ status: 'resolved' }), signal());
    const [trigger, ack, resolve] = srv.requests.map(
      (q) => JSON.parse(q.body) as Record<string, string>,
    );
    assert.deepEqual(trigger, {
      routing_key: 'rk-0123456789',
      dedup_key: dedup,
      event_action: 'trigger',
      payload: {
        summary: '[FIRING:1] HighCPU (critical)',
        source: 'Argus',
        severity: 'critical',
        custom_details: {
          firing:
            'Labels:\n - alertname = HighCPU\n - instance = db1:9100\n - severity = critical\nAnnotations:\n - summary = CPU above 90% on db1\nSource: http://prom.example/graph?g0.expr=cpu\n',
          resolved:
            'Labels:\n - alertname = HighCPU\n - instance = db2:9100\n - severity = critical\nAnnotations:\nSource: \n',
          num_firing: '1',
          num_resolved: '1',
          team: 'db',
          count: 3,
        },
      },
      images: [{ src: 'http://img/1.png', alt: 'graph' }],
      links: [{ href: 'http://argus.example:9090/x', text: 'Argus' }],
      client: 'Argus',
      client_url: 'http://argus.example:9090/alerts?receiver=ops',
    });
    assert.equal(ack.event_action, 'acknowledge');
    assert.equal(resolve.event_action, 'resolve');
    assert.equal(resolve.dedup_key, dedup);
  });

  it('cuts the summary to 1024 characters and keeps the routing key out of errors', async () => {
    srv.requests.length = 0;
    srv.replies.push({
      status: 400,
      body: '{"status":"invalid event","message":"bad rk-0123456789"}',
    });
    const ch = createPagerDuty(
      pagerdutyConfig.parse({
        routing_key: 'rk-0123456789',
        url: `${srv.url}/v2/enqueue`,
        description: 'x'.repeat(3000),
      }),
      testContext(),
    );
    const r = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r.ok, r.retryable, r.status], [false, false, 400]);
    assert.doesNotMatch(r.error!, /rk-0123456789/);
    const summary = JSON.parse(srv.requests[0].body).payload.summary as string;
    assert.equal([...summary].length, 1024);
    assert.ok(summary.endsWith('…'));
    srv.replies.push({ status: 500, body: '' });
    assert.equal((await ch.send(sampleNotification(), signal())).retryable, true);
  });

  it('speaks Events API v1 with a service key', async () => {
    srv.requests.length = 0;
    const ch = createPagerDuty(
      pagerdutyConfig.parse({ service_key: 'sk-0123456789', url: `${srv.url}/v1` }),
      testContext(),
    );
    assert.equal((await ch.send(sampleNotification(), signal())).ok, true);
    const body = JSON.parse(srv.requests[0].body);
    assert.equal(srv.requests[0].path, '/v1');
    assert.deepEqual(
      [body.service_key, body.incident_key, body.event_type, body.description],
      ['sk-0123456789', dedup, 'trigger', '[FIRING:1] HighCPU (critical)'],
    );
  });
});
