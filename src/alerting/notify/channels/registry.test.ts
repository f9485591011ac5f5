import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { receiverSchema } from '../../config/receivers-schema.js';
import { CHANNELS, createChannels } from './registry.js';
import { startCapture, testContext, type CaptureServer, T0 } from './testkit.js';
import { testNotification, testNotificationFor } from './test-notification.js';

describe('channel registry', () => {
  let srv: CaptureServer;
  before(async () => (srv = await startCapture()));
  after(() => srv.close());

  it('has one row per implemented integration', () => {
    assert.deepEqual(
      [...CHANNELS].map(([k, f]) => `${k}:${f.configKey}`),
      [
        'email:email_configs',
        'webhook:webhook_configs',
        'slack:slack_configs',
        'pagerduty:pagerduty_configs',
        'msteams:msteams_configs',
        'msteamsv2:msteamsv2_configs',
        'telegram:telegram_configs',
      ],
    );
  });

  it("builds a receiver's channels with unique names and rejects bad field templates", () => {
    const { receiver: _r, index: _i, ...ctx } = testContext();
    const r = receiverSchema.parse({
      name: 'ops',
      webhook_configs: [{ url: `${srv.url}/a` }, { url: `${srv.url}/b` }],
      msteamsv2_configs: [{ webhook_url: `${srv.url}/t` }],
    });
    assert.deepEqual(
      createChannels(r, ctx).map((c) => c.name),
      ['ops/webhook[0]', 'ops/webhook[1]', 'ops/msteamsv2[0]'],
    );
    const bad = receiverSchema.parse({
      name: 'ops',
      msteams_configs: [{ webhook_url: `${srv.url}/t`, title: '{{ .Status ' }],
    });
    assert.throws(() => createChannels(bad, ctx), /TemplateParseError|unclosed|unexpected/i);
  });

  it('sends a test notification through every channel and reports each result', async () => {
    srv.requests.length = 0;
    srv.replies.push({ status: 200, body: 'ok' }, { status: 500, body: 'down' });
    const { receiver: _r, index: _i, ...ctx } = testContext();
    const r = receiverSchema.parse({
      name: 'ops',
      webhook_configs: [{ url: `${srv.url}/a` }, { url: `${srv.url}/b` }],
    });
    const results = await testNotification(r, { ...ctx, externalURL: 'http://argus:9090' });
    assert.deepEqual(
      results.map((x) => [x.channel, x.result.ok]).sort(),
      [
        ['ops/webhook[0]', true],
        ['ops/webhook[1]', false],
      ].sort(),
    );
    const msg = JSON.parse(srv.requests[0].body) as {
      alerts: { labels: Record<string, string> }[];
    };
    assert.equal(msg.alerts.length, 1);
    assert.equal(msg.alerts[0].labels.alertname, 'ArgusTestNotification');
    const n = testNotificationFor('ops', { now: T0, externalURL: 'http://x' });
    assert.equal(n.status, 'firing');
    assert.match(n.alerts[0].fingerprint, /^[0-9a-f]{16}$/);
  });
});
