/** Test helpers for the channel tests: a capturing HTTP server on 127.0.0.1 and fixtures. */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundGuard } from '../../../net/index.js';
import { DEFAULT_TENANT } from '../../../model/index.js';
import { globalSchema } from '../../config/schema.js';
import { defaultTemplateSet } from '../../templates/load.js';
import type { Notification } from '../types.js';
import type { ChannelContext } from './context.js';

export interface Captured {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: Captured[];
  /** The next answers, in order; afterwards 200 "ok". */
  readonly replies: { status: number; body: string; delayMs?: number }[];
  close(): Promise<void>;
}

export async function startCapture(): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const replies: CaptureServer['replies'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const r = replies.shift() ?? { status: 200, body: 'ok' };
      const answer = () => res.writeHead(r.status).end(r.body);
      if (r.delayMs) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    replies,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

/** A realistic notification: one firing and one resolved alert of group alertname=HighCPU. */
export function sampleNotification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'ntf-01',
    tenant: DEFAULT_TENANT,
    receiver: 'ops',
    groupKey: '{}/{team="db"}:{alertname="HighCPU"}',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighCPU', instance: 'db1:9100', severity: 'critical' },
        annotations: { summary: 'CPU above 90% on db1' },
        startsAt: T0,
        endsAt: 0,
        generatorURL: 'http://prom.example/graph?g0.expr=cpu',
        fingerprint: '0123456789abcdef',
      },
      {
        status: 'resolved',
        labels: { alertname: 'HighCPU', instance: 'db2:9100', severity: 'critical' },
        annotations: {},
        startsAt: T0 - 60_000,
        endsAt: T0,
        generatorURL: '',
        fingerprint: 'fedcba9876543210',
      },
    ],
    groupLabels: { alertname: 'HighCPU' },
    commonLabels: { alertname: 'HighCPU', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://argus.example:9090',
    truncatedAlerts: 0,
    ackURL: 'http://argus.example:9090/api/v1/ack?token=abc',
    escalationLevel: 0,
    ackUpdate: false,
    ...over,
  };
}

/** A context whose guard allows 127.0.0.1 only (or refuses it: `allowLoopback: false`). */
export function testContext(
  over: Partial<ChannelContext> & { allowLoopback?: boolean } = {},
): ChannelContext {
  const { allowLoopback = true, ...rest } = over;
  return {
    receiver: 'ops',
    index: 0,
    global: globalSchema.parse({}),
    guard: new OutboundGuard({ allow: allowLoopback ? ['127.0.0.1'] : [], timeoutMs: 5000 }),
    templates: defaultTemplateSet({ now: () => T0 + 120_000 }),
    now: () => T0 + 120_000,
    ...rest,
  };
}

export const signal = (): AbortSignal => new AbortController().signal;
