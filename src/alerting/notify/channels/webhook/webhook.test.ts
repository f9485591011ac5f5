import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { webhookConfig } from '../../../config/receivers-schema.js';
import { Secret } from '../../../config/secret.js';
import {
  sampleNotification,
  signal,
  startCapture,
  testContext,
  type CaptureServer,
} from '../testkit.js';
import { createWebhook } from './webhook.js';

describe('webhook channel', () => {
  let srv: CaptureServer;
  before(async () => (srv = await startCapture()));
  after(() => srv.close());

  const make = (extra: Record<string, unknown> = {}, ctxOver = {}) =>
    createWebhook(
      webhookConfig.parse({ url: `${srv.url}/hook?token=s3cr3t-token`, ...extra }),
      testContext(ctxOver),
    );

  it("posts Alertmanager's version 4 message with an idempotency key", async () => {
    srv.requests.length = 0;
    const ch = make();
    assert.equal(ch.name, 'ops/webhook[0]');
    assert.equal(ch.sendResolved, true);
    const res = await ch.send(sampleNotification(), signal());
    assert.deepEqual(res, { ok: true, retryable: false, status: 200 });
    const [req] = srv.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/hook?token=s3cr3t-token');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['idempotency-key'], 'ntf-01');
    assert.equal(req.headers['x-argus-signature'], undefined);
    // Field order and values as Alertmanager's notify/webhook Message marshals them.
    assert.equal(
      req.body,
      JSON.stringify({
        receiver: 'ops',
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'HighCPU', instance: 'db1:9100', severity: 'critical' },
            annotations: { summary: 'CPU above 90% on db1' },
            startsAt: '2026-01-02T03:04:05.6Z',
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prom.example/graph?g0.expr=cpu',
            fingerprint: '0123456789abcdef',
          },
          {
            status: 'resolved',
            labels: { alertname: 'HighCPU', instance: 'db2:9100', severity: 'critical' },
            annotations: {},
            startsAt: '2026-01-02T03:03:05.6Z',
            endsAt: '2026-01-02T03:04:05.6Z',
            generatorURL: '',
            fingerprint: 'fedcba9876543210',
          },
        ],
        groupLabels: { alertname: 'HighCPU' },
        commonLabels: { alertname: 'HighCPU', severity: 'critical' },
        commonAnnotations: {},
        externalURL: 'http://argus.example:9090',
        version: '4',
        groupKey: '{}/{team="db"}:{alertname="HighCPU"}',
        truncatedAlerts: 0,
      }),
    );
  });

  it('caps alerts at max_alerts and counts the rest', async () => {
    srv.requests.length = 0;
    await make({ max_alerts: 1 }).send(sampleNotification(), signal());
    const msg = JSON.parse(srv.requests[0].body);
    assert.equal(msg.alerts.length, 1);
    assert.equal(msg.truncatedAlerts, 1);
  });

  it('signs the body and sends basic auth from http_config', async () => {
    srv.requests.length = 0;
    const ch = make(
      { http_config: { basic_auth: { username: 'u', password: 'pw-123456' } } },
      { webhookSigningSecret: new Secret('sign-key') },
    );
    assert.equal((await ch.send(sampleNotification(), signal())).ok, true);
    const [req] = srv.requests;
    const want = createHmac('sha256', 'sign-key').update(req.body).digest('hex');
    assert.equal(req.headers['x-argus-signature'], `sha256=${want}`);
    assert.equal(
      req.headers.authorization,
      `Basic ${Buffer.from('u:pw-123456').toString('base64')}`,
    );
  });

  it('reads url_file and a bearer token file at send time', async () => {
    srv.requests.length = 0;
    const dir = await mkdtemp(join(tmpdir(), 'argus-webhook-'));
    await writeFile(join(dir, 'url'), `${srv.url}/from-file\n`);
    await writeFile(join(dir, 'tok'), 'tok-abcdef\n');
    const ch = createWebhook(
      webhookConfig.parse({
        url_file: join(dir, 'url'),
        http_config: { bearer_token_file: join(dir, 'tok') },
      }),
      testContext(),
    );
    assert.equal((await ch.send(sampleNotification(), signal())).ok, true);
    assert.equal(srv.requests[0].path, '/from-file');
    assert.equal(srv.requests[0].headers.authorization, 'Bearer tok-abcdef');
  });

  it('classifies answers: 5xx and 429 retryable, other 4xx not, body trimmed, URL redacted', async () => {
    srv.replies.push(
      { status: 503, body: 'busy' },
      { status: 429, body: '' },
      { status: 400, body: 'x'.repeat(2000) + ' s3cr3t-token' },
    );
    const ch = make();
    const r1 = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r1.ok, r1.retryable, r1.status], [false, true, 503]);
    assert.match(r1.error!, /unexpected status code 503: busy$/);
    const r2 = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r2.ok, r2.retryable, r2.status], [false, true, 429]);
    const r3 = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r3.ok, r3.retryable, r3.status], [false, false, 400]);
    assert.ok(Buffer.byteLength(r3.error!) < 700, r3.error);
    for (const r of [r1, r2, r3]) {
      assert.doesNotMatch(r.error!, /s3cr3t-token/);
      assert.match(r.error!, /http:\/\/127\.0\.0\.1:\d+\/<secret>/);
    }
  });

  it('is refused by the guard for a loopback address that is not allow-listed', async () => {
    srv.requests.length = 0;
    const r = await make({}, { allowLoopback: false }).send(sampleNotification(), signal());
    assert.equal(r.ok, false);
    assert.equal(r.retryable, false);
    assert.match(r.error!, /loopback address/);
    assert.doesNotMatch(r.error!, /s3cr3t-token/);
    assert.equal(srv.requests.length, 0);
  });

  it('gives up when aborted or on a connection error, retryably and without the token', async () => {
    srv.replies.push({ status: 200, body: 'ok', delayMs: 2000 });
    const ac = new AbortController();
    const p = make().send(sampleNotification(), ac.signal);
    setTimeout(() => ac.abort(), 50);
    const r = await p;
    assert.deepEqual([r.ok, r.retryable], [false, true]);
    assert.match(r.error!, /aborted/);
    const closed = createWebhook(
      webhookConfig.parse({ url: 'http://127.0.0.1:1/hook?token=s3cr3t-token' }),
      testContext(),
    );
    const r2 = await closed.send(sampleNotification(), signal());
    assert.deepEqual([r2.ok, r2.retryable], [false, true]);
    assert.doesNotMatch(r2.error!, /s3cr3t-token/);
  });

  it('honours the timeout of the config', async () => {
    srv.replies.push({ status: 200, body: 'ok', delayMs: 2000 });
    const r = await make({ timeout: '100ms' }).send(sampleNotification(), signal());
    assert.deepEqual([r.ok, r.retryable], [false, true]);
    assert.match(r.error!, /no answer within 100ms/);
  });
});
