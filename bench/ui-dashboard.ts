/**
 * Web UI benchmark (issue #6): a dashboard of 12 time series panels × 50 series × 1 h at 15 s
 * (600 series, 144k points), opened in headless Chromium against a real `argus server`. Times
 * "all panels drawn" (every panel answered and its chart's canvas on screen) with the page's
 * Performance API, from navigation start: the first load (empty cache) and the median of
 * `--runs` reloads (assets cached, as for a returning user). Target: < 1 s. No peer: Grafana is
 * not packaged for Debian; the figure is compared with the issue's target.
 */
import { parseArgs } from './lib/args.js';
import { defaultOut, log, machine, textTable, writeResults } from './lib/table.js';
import { adminFetch, remoteWrite, startArgus } from '../test/integration/helpers.js';
import { browserSkip, launchBrowser, logIn } from '../test/e2e/browser.js';

const USAGE = `usage: npm run bench -- ui-dashboard [--panels N=12] [--series N=50] [--runs N=7] [--out FILE]`;

/** Resolves (in the page) when `n` panels are done loading and each shows a drawn chart. */
const ALL_DRAWN = (n: number) => `new Promise((resolve, reject) => {
  const deadline = performance.now() + 60000;
  const check = () => {
    const panels = [...document.querySelectorAll('[data-panel-id]')];
    const done = panels.length === ${n} && panels.every((p) =>
      p.getAttribute('data-loading') === 'false' && p.querySelector('canvas') !== null);
    if (done) resolve(performance.now());
    else if (performance.now() > deadline) reject(new Error('panels not drawn after 60 s'));
    else requestAnimationFrame(check);
  };
  check();
})`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), {
      panels: 'number',
      series: 'number',
      runs: 'number',
      out: 'string',
      help: 'boolean',
    });
  } catch (err) {
    console.error(`${String(err)}\n${USAGE}`);
    process.exit(2);
  }
  if (args.has('help')) {
    console.log(USAGE);
    return;
  }
  const skip = browserSkip();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const panels = Number(args.get('panels') ?? 12);
  const seriesPer = Number(args.get('series') ?? 50);
  const runs = Number(args.get('runs') ?? 7);
  const argus = await startArgus();
  const browser = await launchBrowser();
  try {
    // The data: one metric per panel, `seriesPer` instances each, an hour at 15 s ending now.
    const now = Date.now();
    const steps = 240;
    const t0 = now - (steps - 1) * 15_000;
    const loadStart = performance.now();
    for (let p = 0; p < panels; p++) {
      const series = Array.from({ length: seriesPer }, (_, s) => ({
        labels: [
          ['__name__', `bench_metric_${p}`],
          ['instance', `host-${s}:9100`],
          ['job', 'bench'],
        ] as [string, string][],
        samples: Array.from({ length: steps }, (_, i) => ({
          t: t0 + i * 15_000,
          v: Math.sin((i + s) / 10) * 100 + s,
        })),
      }));
      const r = await remoteWrite(argus.url, series);
      if (r.status !== 204) throw new Error(`cannot load: HTTP ${r.status}: ${r.body}`);
    }
    log(
      `loaded ${panels * seriesPer} series × ${steps} samples in ${(performance.now() - loadStart).toFixed(0)} ms`,
    );
    const dashboard = {
      schemaVersion: 1,
      title: 'UI bench',
      time: { from: 'now-1h', to: 'now' },
      panels: Array.from({ length: panels }, (_, p) => ({
        id: p + 1,
        type: 'timeseries',
        title: `Panel ${p + 1}`,
        gridPos: { x: (p % 2) * 12, y: Math.floor(p / 2) * 8, w: 12, h: 8 },
        targets: [{ refId: 'A', expr: `bench_metric_${p}`, legend: '{{instance}}' }],
      })),
    };
    const res = await adminFetch(`${argus.url}/api/argus/v1/dashboards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dashboard }),
    });
    const created = (await res.json()) as { data: { uid: string } };
    const url = `${argus.url}/dashboards/${created.data.uid}?live=0`;
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, argus.url, '/overview');
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      await page.goto(url);
      const ms = Number(await page.evaluate(ALL_DRAWN(panels)));
      times.push(ms);
      log(
        `${run === 0 ? 'first load' : `reload ${run}`}: all ${panels} panels drawn at ${ms.toFixed(0)} ms`,
      );
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    const median = warm[warm.length >> 1];
    console.log(
      `\n${textTable(
        ['what', 'ms', 'target', 'met'],
        [
          [
            'first load (cold cache)',
            times[0].toFixed(0),
            '< 1000',
            times[0] < 1000 ? 'yes' : 'NO',
          ],
          [`reload, median of ${runs}`, median.toFixed(0), '< 1000', median < 1000 ? 'yes' : 'NO'],
        ],
      )}\n`,
    );
    await writeResults(args.get('out') ?? defaultOut('ui-dashboard'), {
      when: new Date().toISOString(),
      machine: await machine(),
      config: { panels, seriesPer, steps, runs },
      firstLoadMs: times[0],
      reloadMs: times.slice(1),
      medianReloadMs: median,
    });
  } finally {
    await browser.close();
    await argus.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
