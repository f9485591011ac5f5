/**
 * Scenario `latency`: for each of N alerts, a gauge crosses its threshold through remote_write;
 * a rule group at 1 s fires it (`for: 0`), the route (`group_wait: 0s`, one group per alert)
 * sends an email, and the SMTP server records its acceptance. Latency = SMTP acceptance −
 * remote_write acceptance, split at the alert's `activeAt` (the evaluation that fired it) into
 * the wait for the evaluation and everything after it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from './rand.js';
import {
  activeAt,
  argusHeaders,
  startAlertmanager,
  startArgus,
  startPrometheus,
  stopAll,
  type Started,
} from './alerts-peers.js';
import { startSmtp, SUBJECT_PREFIX } from './alerts-smtp.js';
import { argusStages, type ArgusStages } from './alerts-stages.js';
import { summarize, type Summary } from './alerts-stats.js';
import { remoteWrite, writeBody, type SeriesSample } from './alerts-write.js';
import { hotFunctions, newestProfile, readProfile, type HotFunction } from './query-profile.js';
import { sleep } from './table.js';

const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export interface LatencyOptions {
  alerts: number;
  /** Mean gap between two crossings; each lands at a random point of its slot. */
  spacingMs: number;
  evalIntervalS: number;
  seed: number;
  /** How long to wait for the last mail after the last write. */
  timeoutS: number;
  keep: boolean;
  cpuProfileDir?: string;
  log(msg: string): void;
}

export interface LatencyResult {
  peer: 'argus' | 'prometheus';
  alerts: number;
  delivered: number;
  mails: number;
  /** SMTP acceptance − remote_write acceptance. */
  latencyMs: Summary;
  /** activeAt (evaluation timestamp) − remote_write acceptance. */
  waitMs: Summary;
  /** SMTP acceptance − activeAt. */
  afterEvalMs: Summary;
  /** Argus with --cpu-prof: functions with the most self time from the first crossing on. */
  hot?: HotFunction[];
  /** Argus only: its pipeline's steps after the evaluation, from its state database. */
  stages?: ArgusStages;
  perAlert: { alert: number; latencyMs: number; waitMs: number; afterEvalMs: number }[];
}

const THRESHOLD = 10;

export function rules(evalIntervalS: number): unknown {
  return {
    groups: [
      {
        name: 'bench',
        interval: `${evalIntervalS}s`,
        rules: [{ alert: 'BenchAlert', expr: `bench_gauge > ${THRESHOLD}`, for: '0s' }],
      },
    ],
  };
}

/** The Alertmanager configuration both systems get: one email per alert, sent at once. */
export function emailConfig(smtpPort: number): unknown {
  return {
    route: {
      receiver: 'mail',
      group_by: ['alert'],
      group_wait: '0s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'mail',
        email_configs: [
          {
            to: 'oncall@bench.test',
            from: 'alerts@bench.test',
            smarthost: `127.0.0.1:${smtpPort}`,
            require_tls: false,
            send_resolved: false,
            headers: { Subject: `${SUBJECT_PREFIX} {{ .GroupLabels.alert }}` },
          },
        ],
      },
    ],
  };
}

const gauge = (i: number, value: number): SeriesSample => ({
  labels: ['__name__', 'bench_gauge', 'alert', String(i)],
  value,
});

export async function runLatency(
  peer: 'argus' | 'prometheus',
  o: LatencyOptions,
): Promise<LatencyResult> {
  const smtp = await startSmtp();
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-alerts-${peer}-`));
  const started: Started[] = [];
  try {
    const setup = { rules: rules(o.evalIntervalS), evalIntervalS: o.evalIntervalS };
    const am = emailConfig(smtp.port);
    let writeHeaders: Record<string, string> = {};
    let readHeaders: Record<string, string> = {};
    let base: string;
    if (peer === 'prometheus') {
      const amStarted = await startAlertmanager(dir, am);
      started.push(amStarted);
      const prom = await startPrometheus(dir, setup, amStarted.base);
      started.push(prom);
      base = prom.base;
    } else {
      const a = await startArgus(dir, setup, am, o.cpuProfileDir);
      started.push(a);
      base = a.base;
      writeHeaders = argusHeaders('write');
      readHeaders = argusHeaders('admin');
    }
    const writeUrl = `${base}/api/v1/write`;
    o.log(`${peer}: ready (${started.map((s) => s.proc.pid).join(', ')}; dir ${dir})`);

    // Every gauge exists below the threshold first, and a few evaluations see it there.
    const all = Array.from({ length: o.alerts }, (_, i) => gauge(i, THRESHOLD / 2));
    await remoteWrite(writeUrl, writeBody(all, Date.now()), writeHeaders);
    await sleep(o.evalIntervalS * 1000 * 2 + 500);

    const rnd = mulberry32(o.seed);
    const offsets = Array.from({ length: o.alerts }, (_, i) => (i + rnd()) * o.spacingMs);
    o.log(
      `${peer}: crossing ${o.alerts} thresholds, one every ~${o.spacingMs} ms (${((o.alerts * o.spacingMs) / 1000).toFixed(0)} s)`,
    );
    const t0 = performance.now();
    const mono0 = monoMs();
    const writes = await Promise.all(
      offsets.map(async (off, i) => {
        await sleep(Math.max(0, t0 + off - performance.now()));
        return remoteWrite(
          writeUrl,
          writeBody([gauge(i, THRESHOLD * 2)], Date.now()),
          writeHeaders,
        );
      }),
    );
    const complete = await smtp.waitFor(o.alerts, o.timeoutS * 1000);
    if (!complete)
      o.log(
        `${peer}: only ${smtp.accepted.size} of ${o.alerts} alerts mailed after ${o.timeoutS} s`,
      );
    const active = await activeAt(base, 'alert', readHeaders);
    const mono1 = monoMs();

    // performance.now() and Date.now() share an origin: epoch = timeOrigin + now().
    const epoch = (at: number): number => performance.timeOrigin + at;
    const perAlert: LatencyResult['perAlert'] = [];
    for (let i = 0; i < o.alerts; i++) {
      const mailed = smtp.accepted.get(i);
      if (mailed === undefined) continue;
      const act = active.get(String(i)) ?? NaN;
      perAlert.push({
        alert: i,
        latencyMs: mailed - writes[i].at,
        waitMs: act - epoch(writes[i].at),
        afterEvalMs: epoch(mailed) - act,
      });
    }
    const r: LatencyResult = {
      peer,
      alerts: o.alerts,
      delivered: smtp.accepted.size,
      mails: smtp.mails(),
      latencyMs: summarize(perAlert.map((p) => p.latencyMs)),
      waitMs: summarize(perAlert.map((p) => p.waitMs).filter((v) => !Number.isNaN(v))),
      afterEvalMs: summarize(perAlert.map((p) => p.afterEvalMs).filter((v) => !Number.isNaN(v))),
      perAlert,
    };
    if (peer === 'argus') {
      await stopAll(started);
      r.stages = argusStages(dir, 'alert');
      if (o.cpuProfileDir !== undefined) {
        const file = await newestProfile(o.cpuProfileDir, Date.now() - 600_000);
        if (file !== undefined)
          r.hot = hotFunctions(await readProfile(file), [[mono0, mono1]], 15).top;
      }
    }
    o.log(
      `${peer}: ${r.delivered}/${o.alerts} mailed; p50 ${r.latencyMs.p50.toFixed(0)} ms, ` +
        `p95 ${r.latencyMs.p95.toFixed(0)} ms, max ${r.latencyMs.max.toFixed(0)} ms`,
    );
    return r;
  } finally {
    await stopAll(started);
    await smtp.close();
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}
