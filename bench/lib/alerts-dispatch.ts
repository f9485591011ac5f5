/**
 * Scenario `dispatch`: 10k firing alerts in 1k groups reach the notification pipeline, which
 * groups them (`group_by: [group]`, `group_wait: 0s`, `group_interval: 1s`) and sends one
 * webhook per group to a receiver that only counts. Measured over a fixed window that starts just
 * before the alerts arrive: process CPU time and RSS.
 *
 * Alertmanager 0.25 and Argus get the same alerts on their `POST /api/v2/alerts` (batches of
 * 256, re-posted every 60 s with endsAt 4 min ahead, as Prometheus's notifier does); a second
 * Argus run with the same config and no alerts is the baseline whose CPU and RSS are subtracted,
 * leaving the pipeline's share. With `via: 'rules'` (builds without the API) Argus's alerts come
 * from a rule over 10k remote-written series instead, and the baseline has the same rules but
 * no `alertmanager:` section.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  argusHeaders,
  startAlertmanager,
  startArgus,
  stopAll,
  type Started,
} from './alerts-peers.js';
import { remoteWrite, writeBody } from './alerts-write.js';
import { cpuSeconds, peakRssBytes, rssBytes } from './proc.js';
import { hotFunctions, newestProfile, readProfile, type HotFunction } from './query-profile.js';
import { sleep } from './table.js';

export interface DispatchOptions {
  alerts: number;
  groups: number;
  /** Measurement window from just before the alerts arrive. */
  windowS: number;
  /** Rule evaluation interval of the Argus runs through rules. */
  evalIntervalS: number;
  /**
   * How Argus gets the alerts: `api` = its `POST /api/v2/alerts`, like Alertmanager (baseline:
   * Argus idle with the same config); `rules` = a rule over remote-written series (baseline:
   * the same rules without `alertmanager:`), for builds without the API.
   */
  via: 'api' | 'rules';
  keep: boolean;
  /** Profile the `argus` run (V8 CPU profile, hot functions over the window). */
  cpuProfileDir?: string;
  log(msg: string): void;
}

export type DispatchRun = 'alertmanager' | 'argus' | 'argus-baseline';

export interface DispatchResult {
  run: DispatchRun;
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
  /** Distinct groups notified in the window, webhook requests, alerts in them. */
  groupsNotified: number;
  webhooks: number;
  alertsNotified: number;
  /** From the first alert sent until every group was notified (NaN: not all were). */
  allGroupsMs: number;
  /** With --cpu-prof (run `argus`): functions with the most self time in the window. */
  hot?: HotFunction[];
}

const RESEND_MS = 60_000;

const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

function webhookConfig(url: string): unknown {
  return {
    route: {
      receiver: 'hook',
      group_by: ['group'],
      group_wait: '0s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'hook', webhook_configs: [{ url, send_resolved: false }] }],
  };
}

interface Counter {
  url: string;
  groups: Set<string>;
  requests: number;
  alerts: number;
  /** `performance.now()` when the last missing group arrived. */
  allAt: number;
  /** Alert names of notifications not about the bench's alerts (Argus's Watchdog). */
  others: Set<string>;
  close(): Promise<void>;
}

/** A webhook receiver that counts requests, alerts and distinct groups. */
async function startCounter(wantGroups: number): Promise<Counter> {
  const c: Counter = {
    url: '',
    groups: new Set(),
    requests: 0,
    alerts: 0,
    allAt: NaN,
    others: new Set(),
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      c.requests++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          groupLabels?: Record<string, string>;
          commonLabels?: Record<string, string>;
          alerts?: unknown[];
        };
        c.alerts += body.alerts?.length ?? 0;
        const g = body.groupLabels?.group;
        if (g === undefined) c.others.add(body.commonLabels?.alertname ?? '?');
        else c.groups.add(g);
        if (c.groups.size >= wantGroups && Number.isNaN(c.allAt)) c.allAt = performance.now();
      } catch {
        // counted as a request; a malformed body shows as missing groups
      }
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  c.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return c;
}

const labelsOf = (i: number, groups: number): Record<string, string> => ({
  alertname: 'BenchDispatch',
  group: `g${i % groups}`,
  i: String(i),
});

/** Posts every alert to Alertmanager's API v2 in batches of 256 (Prometheus's batch size). */
async function postAlerts(
  base: string,
  o: DispatchOptions,
  headers: Record<string, string> = {},
): Promise<void> {
  const now = Date.now();
  const all = Array.from({ length: o.alerts }, (_, i) => ({
    labels: labelsOf(i, o.groups),
    annotations: {},
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 4 * RESEND_MS).toISOString(),
    generatorURL: 'http://127.0.0.1/graph',
  }));
  for (let i = 0; i < all.length; i += 256) {
    const res = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(all.slice(i, i + 256)),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status !== 200)
      throw new Error(`cannot post alerts: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
}

export async function runDispatch(run: DispatchRun, o: DispatchOptions): Promise<DispatchResult> {
  const counter = await startCounter(o.groups);
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-dispatch-${run}-`));
  const started: Started[] = [];
  try {
    const config = webhookConfig(counter.url);
    let sut: Started;
    let send: () => Promise<void>;
    if (run === 'alertmanager') {
      sut = await startAlertmanager(dir, config);
      send = () => postAlerts(sut.base, o);
    } else if (o.via === 'api') {
      // The same posts as Alertmanager gets; the baseline is Argus with the same config, idle.
      sut = await startArgus(
        dir,
        { rules: { groups: [] }, evalIntervalS: o.evalIntervalS },
        config,
        run === 'argus' ? o.cpuProfileDir : undefined,
      );
      send =
        run === 'argus'
          ? () => postAlerts(sut.base, o, argusHeaders('write'))
          : () => Promise.resolve();
    } else {
      const rules = {
        groups: [
          {
            name: 'dispatch',
            interval: `${o.evalIntervalS}s`,
            rules: [{ alert: 'BenchDispatch', expr: 'bench_dispatch > 0' }],
          },
        ],
      };
      sut = await startArgus(
        dir,
        { rules, evalIntervalS: o.evalIntervalS },
        run === 'argus' ? config : undefined,
        run === 'argus' ? o.cpuProfileDir : undefined,
      );
      const series = Array.from({ length: o.alerts }, (_, i) => {
        const l = labelsOf(i, o.groups);
        return { labels: ['__name__', 'bench_dispatch', 'group', l.group, 'i', l.i], value: 1 };
      });
      send = async () => {
        await remoteWrite(
          `${sut.base}/api/v1/write`,
          writeBody(series, Date.now()),
          argusHeaders('write'),
        );
      };
    }
    started.push(sut);
    o.log(`dispatch/${run}: ready (pid ${sut.proc.pid}); settling 3 s`);
    await sleep(3000);

    const cpu0 = await cpuSeconds(sut.proc.pid);
    const t0 = performance.now();
    const mono0 = monoMs();
    await send();
    o.log(`dispatch/${run}: alerts sent; window ${o.windowS} s`);
    // Posted alerts are re-sent as a ruler re-sends them (Argus's rules do the same in-process).
    const resend =
      run === 'alertmanager' || (run === 'argus' && o.via === 'api')
        ? setInterval(() => void send().catch((e: unknown) => o.log(String(e))), RESEND_MS)
        : undefined;
    await sleep(Math.max(0, t0 + o.windowS * 1000 - performance.now()));
    clearInterval(resend);
    const mono1 = monoMs();
    const r: DispatchResult = {
      run,
      cpuSeconds: (await cpuSeconds(sut.proc.pid)) - cpu0,
      rssBytes: await rssBytes(sut.proc.pid),
      peakRssBytes: await peakRssBytes(sut.proc.pid),
      groupsNotified: counter.groups.size,
      webhooks: counter.requests,
      alertsNotified: counter.alerts,
      allGroupsMs: counter.allAt - t0,
    };
    if (counter.others.size > 0)
      o.log(
        `dispatch/${run}: other notifications (counted in webhooks/alerts): ${[...counter.others].join(' ')}`,
      );
    o.log(
      `dispatch/${run}: CPU ${r.cpuSeconds.toFixed(2)} s, RSS ${(r.rssBytes / 2 ** 20).toFixed(0)} MiB, ` +
        `${r.groupsNotified} groups / ${r.webhooks} webhooks / ${r.alertsNotified} alerts notified`,
    );
    if (run === 'argus' && o.cpuProfileDir !== undefined) {
      await stopAll(started);
      const file = await newestProfile(o.cpuProfileDir, Date.now() - 600_000);
      if (file !== undefined)
        r.hot = hotFunctions(await readProfile(file), [[mono0, mono1]], 20).top;
    }
    return r;
  } finally {
    await stopAll(started);
    await counter.close();
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}
