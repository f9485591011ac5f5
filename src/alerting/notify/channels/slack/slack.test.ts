import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slackConfig } from '../../../config/receivers-schema.js';
import {
  sampleNotification,
  signal,
  startCapture,
  testContext,
  type CaptureServer,
} from '../testkit.js';
import { createSlack } from './slack.js';

describe('slack channel', () => {
  let srv: CaptureServer;
  before(async () => (srv = await startCapture()));
  after(() => srv.close());

  it('posts one attachment from the default templates, coloured by status, with an ack button', async () => {
    srv.requests.length = 0;
    const ch = createSlack(
      slackConfig.parse({ api_url: `${srv.url}/services/T0/B0/XXXX`, channel: '#ops' }),
      testContext(),
    );
    assert.equal(ch.sendResolved, false);
    const r = await ch.send(sampleNotification(), signal());
    assert.equal(r.ok, true);
    assert.deepEqual(JSON.parse(srv.requests[0].body), {
      channel: '#ops',
      username: 'Argus',
      attachments: [
        {
          title: '[FIRING:1] HighCPU (critical)',
          title_link: 'http://argus.example:9090/alerts?receiver=ops',
          text: '<http://argus.example:9090/api/v1/ack?token=abc|Acknowledge>',
          actions: [
            {
              type: 'button',
              text: 'Acknowledge',
              url: 'http://argus.example:9090/api/v1/ack?token=abc',
            },
          ],
          color: 'danger',
          mrkdwn_in: ['fallback', 'pretext', 'text'],
          fallback: '[FIRING:1] HighCPU (critical) | http://argus.example:9090/alerts?receiver=ops',
        },
      ],
    });
    await ch.send(sampleNotification({ status: 'resolved', ackURL: undefined }), signal());
    const att = JSON.parse(srv.requests[1].body).attachments[0];
    assert.equal(att.color, 'good');
    assert.equal(att.actions, undefined);
  });

  it('renders configured fields, actions and texts as templates; app tokens go in a header', async () => {
    srv.requests.length = 0;
    const ch2 = createSlack(
      slackConfig.parse({
        // A bot token with chat.postMessage (here the local server stands in for slack.com).
        app_token: 'xoxb-secret-token',
        api_url: `${srv.url}/api/chat.postMessage`,
        title: '{{ .CommonLabels.alertname }} on {{ len .Alerts }}',
        text: '{{ range .Alerts.Firing }}{{ .Annotations.summary }}{{ end }}',
        fields: [{ title: 'sev', value: '{{ .CommonLabels.severity }}' }],
        short_fields: true,
        actions: [
          { type: 'button', text: 'Runbook {{ .GroupLabels.alertname }}', url: 'http://rb/x' },
        ],
      }),
      testContext(),
    );
    srv.replies.push({ status: 200, body: '{"ok":false,"error":"channel_not_found"}' });
    const r = await ch2.send(sampleNotification({ ackURL: undefined }), signal());
    assert.deepEqual([r.ok, r.retryable, r.status], [false, false, 200]);
    assert.match(r.error!, /channel_not_found/);
    assert.equal(srv.requests[0].headers.authorization, 'Bearer xoxb-secret-token');
    const att = JSON.parse(srv.requests[0].body).attachments[0];
    assert.equal(att.title, 'HighCPU on 2');
    assert.equal(att.text, 'CPU above 90% on db1');
    assert.deepEqual(att.fields, [{ title: 'sev', value: 'critical', short: true }]);
    assert.deepEqual(att.actions, [
      { type: 'button', text: 'Runbook HighCPU', url: 'http://rb/x' },
    ]);
  });

  it('keeps the webhook URL out of errors', async () => {
    srv.replies.push({ status: 404, body: 'no_service' });
    const ch = createSlack(
      slackConfig.parse({ api_url: `${srv.url}/services/T0/B0/SECRETPATH` }),
      testContext(),
    );
    const r = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r.ok, r.retryable, r.status], [false, false, 404]);
    assert.doesNotMatch(r.error!, /SECRETPATH/);
    assert.match(r.error!, /no_service/);
  });
});
