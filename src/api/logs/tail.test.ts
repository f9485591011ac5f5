import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { tenantId } from '../../model/index.js';
import { addUser, login } from '../security-test-helpers.js';
import { logsTestApi, type LogsTestApi } from './query-test-helpers.js';

/** The part of `ws`'s client the tests use (`ws` comes with @fastify/websocket; no types). */
interface WsClient {
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): void;
  on(event: 'open', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(
    event: 'unexpected-response',
    fn: (req: { destroy(): void }, res: { statusCode: number }) => void,
  ): void;
  close(): void;
}
type WsCtor = new (url: string, opts?: { headers?: Record<string, string> }) => WsClient;
const WebSocket = createRequire(import.meta.url)('ws') as WsCtor;

const S = 1_000_000_000n;
const enc = encodeURIComponent;

interface Frame {
  streams: { stream: Record<string, string>; values: [string, string][] }[];
  dropped_entries: unknown[];
}

/** A tail client that records frames, its close, or the HTTP status that refused the upgrade. */
function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  let wake: () => void = () => {};
  const state: { open: boolean; closed?: { code: number; reason: string }; status?: number } = {
    open: false,
  };
  ws.on('open', () => {
    state.open = true;
    wake();
  });
  ws.on('message', (d) => {
    frames.push(JSON.parse(d.toString()) as Frame);
    wake();
  });
  ws.on('close', (code, reason) => {
    state.closed = { code, reason: reason.toString() };
    wake();
  });
  ws.on('unexpected-response', (req, res) => {
    // With this listener, ws leaves the refused request open: end it.
    req.destroy();
    state.status = res.statusCode;
    wake();
  });
  ws.on('error', () => wake());
  /** Waits (bounded) until `cond` holds. */
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  return { ws, frames, state, until };
}

describe('Loki /tail WebSocket', () => {
  let t: LogsTestApi;
  let base: string;
  before(async () => {
    t = await logsTestApi({ defaultAuth: false, logsOptions: { maxTailsPerTenant: 2 } });
    await t.api.app.listen({ host: '127.0.0.1', port: 0 });
    base = `ws://127.0.0.1:${(t.api.app.server.address() as AddressInfo).port}/loki/api/v1/tail`;
  });
  after(() => t.api.close());
  const auth = () => ({ authorization: t.api.adminAuth });

  it('replays history since start (forward, at most limit), then sends live entries after a push', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    await t.push({ app: 'tail1' }, [
      [now - 30n * S, 'old 1'],
      [now - 20n * S, 'old 2'],
      [now - 10n * S, 'old 3'],
    ]);
    const c = connect(
      `${base}?query=${enc('{app="tail1"} |= "o"')}&limit=2&start=${now - 60n * S}`,
      auth(),
    );
    await c.until(() => c.frames.length >= 1, 'the replay frame');
    assert.deepEqual(c.frames[0], {
      streams: [
        {
          stream: { app: 'tail1' },
          values: [
            [String(now - 20n * S), 'old 2'],
            [String(now - 10n * S), 'old 3'],
          ],
        },
      ],
      dropped_entries: [],
    });
    await t.push({ app: 'tail1' }, [
      [now + S, 'new one'],
      [now + 2n * S, 'skipped by the filter: n-e-w'],
    ]);
    await t.push({ app: 'other' }, [[now + S, 'not mine, o']]);
    await c.until(() => c.frames.length >= 2, 'a live frame');
    assert.deepEqual(c.frames[1], {
      streams: [{ stream: { app: 'tail1' }, values: [[String(now + S), 'new one']] }],
      dropped_entries: [],
    });
    c.ws.close();
    await c.until(() => c.state.closed !== undefined, 'close');
  });

  it('delay_for holds live entries and sends them in time order', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const c = connect(`${base}?query=${enc('{app="delayed"}')}&delay_for=1`, auth());
    await c.until(() => c.state.open, 'open');
    // Entries newer than the replay's end are sent whether the replay is done or not.
    await t.push({ app: 'delayed' }, [[now + 2n * S, 'second']]);
    await t.push({ app: 'delayed' }, [[now + S, 'first']]);
    await c.until(() => c.frames.length >= 1, 'the delayed frame');
    assert.deepEqual(
      c.frames.flatMap((f) => f.streams.flatMap((s) => s.values.map((v) => v[1]))),
      ['first', 'second'],
    );
    c.ws.close();
  });

  it('closes with the parse error as reason for a bad query, and 1008 for a metric query', async () => {
    const bad = connect(`${base}?query=${enc('{app="x"')}`, auth());
    await bad.until(() => bad.state.closed !== undefined, 'close');
    assert.deepEqual(bad.state.closed, {
      code: 1008,
      reason: 'parse error at line 1, col 9: syntax error: unexpected end of input',
    });
    const metric = connect(`${base}?query=${enc('count_over_time({app="x"}[1m])')}`, auth());
    await metric.until(() => metric.state.closed !== undefined, 'close');
    assert.equal(metric.state.closed?.code, 1008);
    assert.match(metric.state.closed?.reason ?? '', /^cannot tail a metric query/);
  });

  it('refuses bad parameters before the upgrade (400), and requests without credentials (401)', async () => {
    const bad = connect(`${base}?query=${enc('{app="x"}')}&delay_for=6`, auth());
    await bad.until(() => bad.state.status !== undefined, 'refusal');
    assert.equal(bad.state.status, 400);
    const anon = connect(`${base}?query=${enc('{app="x"}')}`);
    await anon.until(() => anon.state.status !== undefined, 'refusal');
    assert.equal(anon.state.status, 401);
  });

  it('replays history only once one of the tenant query slots is free', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    await t.push({ app: 'gated' }, [[now - 5n * S, 'history line']]);
    const gate = t.api.deps.limits.queryGate(tenantId('default'));
    let held = 0;
    for (;;) {
      try {
        gate.acquire();
        held++;
      } catch {
        break; // every slot is taken
      }
    }
    assert.ok(held > 0);
    const c = connect(`${base}?query=${enc('{app="gated"}')}&start=${now - 60n * S}`, auth());
    await c.until(() => c.state.open, 'open');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(c.frames.length, 0, 'no replay while every slot is held');
    gate.release();
    held--;
    await c.until(() => c.frames.length >= 1, 'the replay frame');
    assert.deepEqual(c.frames[0].streams[0].values, [[String(now - 5n * S), 'history line']]);
    while (held-- > 0) gate.release();
    c.ws.close();
    await c.until(() => c.state.closed !== undefined, 'close');
  });

  it('limits live tails per tenant', async () => {
    const q = `${base}?query=${enc('{app="many"}')}`;
    const a = connect(q, auth());
    const b = connect(q, auth());
    await a.until(() => a.state.open, 'open a');
    await b.until(() => b.state.open, 'open b');
    const c = connect(q, auth());
    await c.until(() => c.state.closed !== undefined, 'close c');
    assert.deepEqual(c.state.closed, {
      code: 1013,
      reason: 'too many live tails for tenant "default": max 2 (logs.api.max_tails_per_tenant)',
    });
    a.ws.close();
    await a.until(() => a.state.closed !== undefined, 'close a');
    // A closed tail frees its slot.
    const d = connect(q, auth());
    await d.until(() => d.state.open, 'open d');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(d.state.closed, undefined);
    b.ws.close();
    d.ws.close();
  });

  it('refuses a session cookie from a foreign Origin (cross-site WebSocket hijacking)', async () => {
    await addUser(t.api, 'viewer1');
    const s = await login(t.api, 'viewer1');
    const cookie = `argus_session=${s.cookie}`;
    const q = `${base}?query=${enc('{app="x"}')}`;
    const evil = connect(q, { cookie, origin: 'https://evil.example' });
    await evil.until(() => evil.state.status !== undefined, 'refusal');
    assert.equal(evil.state.status, 403);
    const own = connect(q, {
      cookie,
      origin: base.replace('ws://', 'http://').replace(/\/loki.*/, ''),
    });
    await own.until(() => own.state.open, 'open from the own origin');
    own.ws.close();
    await own.until(() => own.state.closed !== undefined, 'close');
  });
});

describe('Loki /tail on shutdown', () => {
  it('closes open tails with 1001', async () => {
    const t = await logsTestApi();
    await t.api.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.api.app.server.address() as AddressInfo).port;
    const c = connect(`ws://127.0.0.1:${port}/loki/api/v1/tail?query=${enc('{a="b"}')}`, {
      authorization: t.api.adminAuth,
    });
    await c.until(() => c.state.open, 'open');
    await t.api.close();
    await c.until(() => c.state.closed !== undefined, 'close');
    assert.deepEqual(c.state.closed, { code: 1001, reason: 'server shutting down' });
  });
});
