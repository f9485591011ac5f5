import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { telegramConfig } from '../../../config/receivers-schema.js';
import {
  sampleNotification,
  signal,
  startCapture,
  testContext,
  type CaptureServer,
} from '../testkit.js';
import { createTelegram } from './telegram.js';

describe('telegram channel', () => {
  let srv: CaptureServer;
  before(async () => (srv = await startCapture()));
  after(() => srv.close());

  it('calls sendMessage with chat_id, parse_mode and the default HTML message', async () => {
    srv.requests.length = 0;
    const ch = createTelegram(
      telegramConfig.parse({
        api_url: srv.url,
        bot_token: '123456:ABCDEF-bot-token',
        chat_id: -1001,
        message_thread_id: 7,
        disable_notifications: true,
      }),
      testContext(),
    );
    srv.replies.push({ status: 200, body: '{"ok":true,"result":{}}' });
    assert.equal((await ch.send(sampleNotification(), signal())).ok, true);
    const [req] = srv.requests;
    assert.equal(req.path, '/bot123456:ABCDEF-bot-token/sendMessage');
    const body = JSON.parse(req.body) as Record<string, string>;
    assert.deepEqual(Object.keys(body), [
      'chat_id',
      'message_thread_id',
      'text',
      'parse_mode',
      'disable_notification',
    ]);
    assert.equal(body.chat_id, -1001);
    assert.equal(body.parse_mode, 'HTML');
    assert.equal(body.disable_notification, true);
    assert.match(body.text, /^<b>Firing<\/b>\n - alertname = HighCPU\n/);
    assert.match(
      body.text,
      /<a href="http:\/\/argus\.example:9090\/api\/v1\/ack\?token=abc">Acknowledge<\/a>$/,
    );
  });

  it('keeps the bot token out of errors', async () => {
    srv.replies.push({
      status: 401,
      body: '{"ok":false,"error_code":401,"description":"Unauthorized"}',
    });
    const ch = createTelegram(
      telegramConfig.parse({
        api_url: srv.url,
        bot_token: '123456:ABCDEF-bot-token',
        chat_id: 1,
        message: 'hi',
      }),
      testContext(),
    );
    const r = await ch.send(sampleNotification(), signal());
    assert.deepEqual([r.ok, r.retryable, r.status], [false, false, 401]);
    assert.match(r.error!, /Unauthorized/);
    assert.doesNotMatch(r.error!, /ABCDEF-bot-token/);
    const down = createTelegram(
      telegramConfig.parse({
        api_url: 'http://127.0.0.1:1',
        bot_token: '123456:ABCDEF-bot-token',
        chat_id: 1,
      }),
      testContext(),
    );
    const r2 = await down.send(sampleNotification(), signal());
    assert.deepEqual([r2.ok, r2.retryable], [false, true]);
    assert.doesNotMatch(r2.error!, /ABCDEF-bot-token/);
  });
});
