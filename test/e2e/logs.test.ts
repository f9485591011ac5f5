/**
 * The Logs page in a real browser against a real `argus server`: lines pushed through the Loki
 * push API (JSON, the admin's basic auth) are queried from the page's URL and editor; a
 * highlighted match, a facet click that narrows the query, a line's fields and context, the
 * histogram, live tail, a syntax error, hostile lines rendered as text, and the phone layout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { adminFetch, startArgus, tempDir } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();

const HOSTILE = [
  '<img src=x onerror="window.__xss=1">',
  '{{7*7}} ${7*7}',
  'RTL \u202Eevil\u202C text',
  'ANSI \u001b[31mred\u001b[0m end',
];

type Entry = [string, string] | [string, string, Record<string, string>];
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

async function push(url: string, stream: Record<string, string>, values: Entry[]): Promise<void> {
  const res = await adminFetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream, values }] }),
  });
  assert.equal(res.status, 204, await res.text());
}

/** shop/prod: 12 lines a second apart (every 4th a timeout); shop/dev: 3 lines; evil: hostile. */
async function pushAll(url: string): Promise<void> {
  const t0 = Date.now() - 60_000;
  const prod: Entry[] = Array.from({ length: 12 }, (_, i) => [
    ns(t0 + i * 1000),
    i % 4 === 2
      ? `level=error msg="payment timeout" order=${i}`
      : `level=info msg="order placed" order=${i}`,
  ]);
  await push(url, { app: 'shop', env: 'prod' }, prod);
  await push(url, { app: 'shop', env: 'dev' }, [
    [ns(t0 + 500), 'level=warn msg="slow timeout in dev" order=100'],
    [ns(t0 + 1500), 'level=debug msg="dev only"'],
    [ns(t0 + 2500), 'level=info msg="dev done"'],
  ]);
  await push(
    url,
    { app: 'evil' },
    HOSTILE.map((l, i): Entry => [ns(t0 + i * 1000), l]),
  );
}

/** Waits (bounded) until `ok` holds; the page's CSP forbids waitForFunction's eval. */
async function until(ok: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CodeMirror ignores Enter on a completion list changed in the last 75 ms (interactionDelay). */
const settle = (page: Page) => page.waitForTimeout(200);

const lineTexts = (page: Page) => page.locator('.logs-lines .logs-text').allTextContents();

async function openQuery(page: Page, base: string, query: string, extra = ''): Promise<void> {
  await page.goto(`${base}/logs?query=${encodeURIComponent(query)}${extra}`);
}

/** A server whose log retention has a default period and a stream rule (shown on the page). */
async function startWithRetention() {
  const cfg = path.join(await tempDir('argus-logs-cfg-'), 'argus.yml');
  await writeFile(
    cfg,
    [
      'collect: { host: { enabled: false }, self: { enabled: false } }',
      'rules: { builtin: false }',
      'logs:',
      '  retention:',
      '    period: 30d',
      '    streams: [{ selector: \'{env="dev"}\', period: 3d }]',
      '',
    ].join('\n'),
  );
  return startArgus({ args: ['--config', cfg] });
}

describe('logs page (headless chromium)', { skip }, () => {
  const suite = browserSuite(startWithRetention);

  it('says how to send logs when there are none, then shows, highlights, filters and expands lines', async () => {
    const { page, problems } = await suite.loggedInPage('/logs');
    const base = suite.argus.url;
    await page.getByRole('heading', { name: 'No logs yet' }).waitFor();
    await pushAll(base);

    await openQuery(page, base, '{app="shop"} |= "timeout"');
    await page.locator('.logs-line').first().waitFor();
    // Newest first: prod orders 10, 6, 2 are timeouts, and the dev warning.
    const texts = await lineTexts(page);
    assert.equal(texts.length, 4, texts.join('\n'));
    assert.match(texts[0], /payment timeout" order=10/);
    assert.match(texts[3], /order=100|order=2/);
    const marks = await page.locator('.logs-lines mark').allTextContents();
    assert.ok(marks.length >= 4 && marks.every((m) => m === 'timeout'), marks.join(','));
    // Levels come from the text (logfmt level=).
    assert.equal(await page.locator('.logs-line.lvl-error').count(), 3);
    assert.equal(await page.locator('.logs-line.lvl-warn').count(), 1);
    // The histogram counts the same 4 lines, by the level found in their text (no level label).
    await page.locator('.logs-histogram-legend').waitFor();
    const legend = await page.locator('.logs-histogram-legend').innerText();
    assert.match(legend, /error 3/);
    assert.match(legend, /warn 1/);
    await screenshot(page, 'logs-desktop');

    // Facet env=prod narrows the query (inside the selector: env is a stream label).
    await page.getByRole('button', { name: /^Filter on env=prod/ }).click();
    await page.waitForURL(/env%3D%22prod%22|env=%22prod%22/);
    await until(async () => (await page.locator('.logs-lines .logs-line').count()) === 3);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('query'), '{app="shop", env="prod"} |= "timeout"');
    assert.match(
      await page.getByRole('textbox', { name: 'LogQL query' }).innerText(),
      /env="prod"/,
    );

    // Expand the newest line: its fields, then its context (neighbours in its stream).
    await page.locator('.logs-line-head').first().click();
    const fields = page.locator('.logs-fields');
    await fields.waitFor();
    const rows = await fields.locator('tr').allInnerTexts();
    assert.ok(
      rows.some((r) => /^app\s+shop/.test(r)),
      rows.join('|'),
    );
    assert.ok(
      rows.some((r) => /^env\s+prod/.test(r)),
      rows.join('|'),
    );
    await page.getByRole('button', { name: 'Show context' }).click();
    const ctx = page.locator('.logs-context-lines');
    await ctx.waitFor();
    const before = await ctx.locator('.logs-context-before').allTextContents();
    const after = await ctx.locator('.logs-context-after').allTextContents();
    // order=10: 10 lines before it (0…9, not only timeouts), order=11 after.
    assert.equal(before.length, 10, before.join('\n'));
    assert.match(before[before.length - 1], /order=9$/);
    assert.equal(after.length, 1);
    assert.match(after[0], /order=11$/);
    assert.match(await ctx.locator('.logs-context-self').innerText(), /order=10/);
    await screenshot(page, 'logs-context');

    // Oldest first.
    await page.getByRole('button', { name: 'Oldest first' }).click();
    await page.waitForURL(/dir=forward/);
    await until(async () => /order=2$/.test((await lineTexts(page))[0] ?? ''));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('completes label names and values in the editor', async () => {
    const { page, problems } = await suite.loggedInPage('/logs');
    const editor = page.getByRole('textbox', { name: 'LogQL query' });
    await editor.click();
    await page.keyboard.type('{ap');
    const options = page.locator('.cm-tooltip-autocomplete li');
    await options.filter({ hasText: /^app$/ }).waitFor();
    await settle(page);
    await page.keyboard.press('Enter');
    // The name became app="" and the values opened.
    await options.filter({ hasText: /^shop$/ }).waitFor();
    assert.ok((await options.allTextContents()).includes('evil'));
    await page.keyboard.type('sh');
    await options.filter({ hasText: /^shop$/ }).waitFor();
    await settle(page);
    await page.keyboard.press('Enter');
    assert.equal(await editor.innerText(), '{app="shop"}');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.waitForURL(/query=/);
    assert.equal(new URL(page.url()).searchParams.get('query'), '{app="shop"}');
    await page.locator('.logs-line').first().waitFor();
    assert.equal(await page.locator('.logs-line').count(), 15);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('loads older lines page by page', async () => {
    const t0 = Date.now() - 300_000;
    await push(
      suite.argus.url,
      { app: 'bulk' },
      Array.from({ length: 150 }, (_, i): Entry => [ns(t0 + i * 100), `bulk line ${i}`]),
    );
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="bulk"}');
    await page.locator('.logs-line').nth(99).waitFor();
    assert.equal(await page.locator('.logs-line').count(), 100);
    assert.equal((await lineTexts(page))[0], 'bulk line 149');
    await page.getByRole('button', { name: 'Load older lines' }).click();
    await page.locator('.logs-line').nth(149).waitFor();
    const texts = await lineTexts(page);
    assert.equal(texts.length, 150);
    assert.equal(texts[149], 'bulk line 0');
    assert.equal(new Set(texts).size, 150);
    // Fewer than a page came back: nothing older.
    assert.equal(await page.getByRole('button', { name: 'Load older lines' }).count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('colours the histogram by level field, and zooms by dragging across it', async () => {
    const t0 = Date.now() - 120_000;
    await push(suite.argus.url, { app: 'lv' }, [
      [ns(t0), 'first', { level: 'error' }],
      [ns(t0 + 1000), 'second', { level: 'error' }],
      [ns(t0 + 2000), 'third', { level: 'info' }],
    ]);
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="lv"}');
    const legend = page.locator('.logs-histogram-legend');
    await legend.waitFor();
    const text = await legend.innerText();
    assert.match(text, /error 2/);
    assert.match(text, /info 1/);
    // The lines' level comes from the field.
    assert.equal(await page.locator('.logs-line.lvl-error').count(), 2);
    const plot = page.locator('.logs-histogram-plot .u-over');
    const box = await plot.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.99, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/from=\d{4}-/);
    const from = Date.parse(new URL(page.url()).searchParams.get('from') ?? '');
    const to = Date.parse(new URL(page.url()).searchParams.get('to') ?? '');
    assert.ok(to > from && to - from < 3_600_000, `${from}…${to}`);
    await page.locator('.logs-line').nth(2).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('facets parsed JSON fields and filters on them after the parser', async () => {
    const t0 = Date.now() - 90_000;
    await push(
      suite.argus.url,
      { app: 'js' },
      [200, 500, 200, 500, 404].map((status, i): Entry => [
        ns(t0 + i * 1000),
        JSON.stringify({ status, path: `/p${i}`, msg: 'request' }),
      ]),
    );
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="js"} | json');
    await page.locator('.logs-line').nth(4).waitFor();
    const facet = page.getByRole('region', { name: 'Field status' });
    await facet.waitFor();
    assert.deepEqual(await facet.locator('.logs-facet-count').allTextContents(), ['2', '2', '1']);
    await page.getByRole('button', { name: /^Filter on status=500/ }).click();
    await page.waitForURL(/status/);
    assert.equal(new URL(page.url()).searchParams.get('query'), '{app="js"} | json | status="500"');
    await until(async () => (await page.locator('.logs-line').count()) === 2);
    assert.ok((await lineTexts(page)).every((t) => t.includes('"status":500')));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a syntax error from the server inline', async () => {
    const { page, problems } = await suite.loggedInPage('/logs');
    const editor = page.getByRole('textbox', { name: 'LogQL query' });
    await editor.click();
    await page.keyboard.type('{app="shop" |= "x"');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+Enter');
    const alert = page.locator('.logs-error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /parse error/);
    // A metric query is not a list of lines: the page says so.
    await openQuery(page, suite.argus.url, 'count_over_time({app="shop"}[5m])');
    await page.getByText('This is a metric query').waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('renders hostile lines as text', async () => {
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="evil"}', '&dir=forward');
    await page
      .locator('.logs-line')
      .nth(HOSTILE.length - 1)
      .waitFor();
    // Controls are shown as visible marks, never applied (a bidi override could make a line
    // read differently from what it contains).
    assert.deepEqual(
      await lineTexts(page),
      HOSTILE.map((l) =>
        l.replace('\u202E', '⟨U+202E⟩').replace('\u202C', '⟨U+202C⟩').replaceAll('\u001b', '␛'),
      ),
    );
    assert.equal(await page.locator('.logs-lines img').count(), 0);
    assert.equal(await page.evaluate('window.__xss'), undefined);
    await page.locator('.logs-line-head').first().click();
    await page.locator('.logs-fields').waitFor();
    assert.equal(await page.locator('.logs-lines img').count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('tails live: a line pushed after opening appears', async () => {
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="live"}', '&live=1');
    await page.getByText('Live: new lines appear at the top').waitFor();
    await push(suite.argus.url, { app: 'live' }, [[ns(Date.now()), 'level=info live line one']]);
    await page.locator('.logs-line', { hasText: 'live line one' }).waitFor({ timeout: 15_000 });
    // The histogram follows in live mode: it counts the tailed line (re-fetched every 5 s).
    await page
      .locator('.logs-histogram-legend', { hasText: 'info 1' })
      .waitFor({ timeout: 15_000 });
    // Pause holds new lines back; resume shows them.
    await page.getByRole('button', { name: 'Pause' }).click();
    await push(suite.argus.url, { app: 'live' }, [[ns(Date.now()), 'level=warn live line two']]);
    await page.getByRole('button', { name: /Resume \(1 new\)/ }).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.logs-line', { hasText: 'live line two' }).count(), 0);
    await page.getByRole('button', { name: /Resume/ }).click();
    await page.locator('.logs-line', { hasText: 'live line two' }).waitFor();
    assert.deepEqual(await lineTexts(page), [
      'level=warn live line two',
      'level=info live line one',
    ]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('colours the histogram by a level word in plain text lines', async () => {
    const t0 = Date.now() - 90_000;
    await push(suite.argus.url, { app: 'plain' }, [
      [ns(t0), 'ERROR disk full'],
      [ns(t0 + 1000), '2026-01-01 WARN slow disk'],
      [ns(t0 + 2000), 'nothing to see'],
    ]);
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="plain"}');
    const legend = page.locator('.logs-histogram-legend');
    await legend.waitFor();
    const text = await legend.innerText();
    assert.match(text, /error 1/);
    assert.match(text, /warn 1/);
    assert.match(text, /unknown 1/);
    assert.equal(await page.locator('.logs-line.lvl-error').count(), 1);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows the retention and warns when the range starts before its horizon', async () => {
    const { page, problems } = await suite.loggedInPage('/logs');
    await openQuery(page, suite.argus.url, '{app="shop"}', '&from=now-1h&to=now');
    const line = page.locator('.logs-retention');
    await line.waitFor();
    const text = await line.innerText();
    assert.match(text, /Kept 30 days/);
    assert.match(text, /\{env="dev"\} 3 days/);
    assert.match(text, /store |nothing on disk yet/);
    assert.equal(await page.locator('.logs-horizon').count(), 0);
    // 7 days back: past the dev rule only.
    await openQuery(page, suite.argus.url, '{app="shop"}', '&from=now-7d&to=now');
    const horizon = page.locator('.logs-horizon');
    await horizon.waitFor();
    assert.match(await horizon.innerText(), /streams matching \{env="dev"\} keep 3 days/);
    assert.doesNotMatch(await horizon.innerText(), /older than 30 days/);
    // 60 days back: past the default period too.
    await openQuery(page, suite.argus.url, '{app="shop"}', '&from=now-60d&to=now');
    await until(async () => /older than 30 days are deleted/.test(await horizon.innerText()));
    await screenshot(page, 'logs-retention');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('fits a phone without sideways scrolling', async () => {
    const { page, problems } = await suite.loggedInPage('/logs', { phone: true });
    await openQuery(page, suite.argus.url, '{app="shop"}', '&wrap=0');
    await page.locator('.logs-line').first().waitFor();
    await page.locator('.logs-histogram-legend').waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await page.locator('.logs-line-head').first().tap();
    await page.locator('.logs-fields').waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'logs-phone');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
