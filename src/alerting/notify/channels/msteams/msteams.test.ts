import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { msteamsConfig, msteamsV2Config } from '../../../config/receivers-schema.js';
import {
  sampleNotification,
  signal,
  startCapture,
  testContext,
  type CaptureServer,
} from '../testkit.js';
import { createMSTeams, createMSTeamsV2 } from './msteams.js';

describe('msteams channels', () => {
  let srv: CaptureServer;
  before(async () => (srv = await startCapture()));
  after(() => srv.close());

  it('posts a MessageCard with title, summary, text and the status colour', async () => {
    srv.requests.length = 0;
    const ch = createMSTeams(
      msteamsConfig.parse({ webhook_url: `${srv.url}/webhookb2/secret-id` }),
      testContext(),
    );
    assert.equal((await ch.send(sampleNotification(), signal())).ok, true);
    const card = JSON.parse(srv.requests[0].body) as Record<string, string>;
    assert.deepEqual(Object.keys(card), [
      '@context',
      'type',
      'title',
      'summary',
      'text',
      'themeColor',
    ]);
    assert.equal(card['@context'], 'http://schema.org/extensions');
    assert.equal(card.type, 'MessageCard');
    assert.equal(card.title, '[FIRING:1] HighCPU (critical)');
    assert.equal(card.summary, '[FIRING:1] HighCPU (critical)');
    assert.equal(card.themeColor, '8C1A1A');
    assert.match(card.text, /# Firing/);
    assert.match(
      card.text,
      /\[Acknowledge\]\(http:\/\/argus\.example:9090\/api\/v1\/ack\?token=abc\)/,
    );
    await ch.send(sampleNotification({ status: 'resolved' }), signal());
    assert.equal(JSON.parse(srv.requests[1].body).themeColor, '2DC72D');
  });

  it('posts an Adaptive Card as Alertmanager does for msteamsv2', async () => {
    srv.requests.length = 0;
    const ch = createMSTeamsV2(
      msteamsV2Config.parse({
        webhook_url: `${srv.url}/workflows/secret-sig`,
        title: 'T {{ .Status }}',
        text: 'body',
      }),
      testContext(),
    );
    assert.equal(ch.name, 'ops/msteamsv2[0]');
    assert.equal((await ch.send(sampleNotification(), signal())).ok, true);
    assert.deepEqual(JSON.parse(srv.requests[0].body), {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              {
                type: 'TextBlock',
                text: 'T firing',
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                style: 'heading',
                color: 'Attention',
              },
              { type: 'TextBlock', text: 'body', wrap: true },
            ],
            msteams: { width: 'full' },
          },
        },
      ],
    });
    srv.replies.push({ status: 502, body: 'bad gateway' });
    const r = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r.ok, r.retryable], [false, true]);
    assert.doesNotMatch(r.error!, /secret-sig/);
  });
});
