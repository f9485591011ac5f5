import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { resolveScrapeConfigs, scrapeConfigSchema, scrapeGlobalShape } from './config.js';

const parse = (over: object) => scrapeConfigSchema.parse({ job_name: 'j', ...over });

/** The first issue's message of a config that must be refused. */
function refusal(over: object): string {
  const r = scrapeConfigSchema.safeParse({ job_name: 'j', ...over });
  assert.equal(r.success, false, `expected ${JSON.stringify(over)} to be refused`);
  return r.error.issues.map((i) => i.message).join('; ');
}

describe('scrapeConfigSchema: Prometheus 2.x bearer_token keys', () => {
  it('folds bearer_token and bearer_token_file into authorization (Bearer)', () => {
    const a = parse({ bearer_token: 's3cret' });
    assert.deepEqual(a.authorization, { type: 'Bearer', credentials: 's3cret' });
    assert.equal('bearer_token' in a, false);
    const b = parse({ bearer_token_file: '/run/token' });
    assert.deepEqual(b.authorization, { type: 'Bearer', credentials_file: '/run/token' });
    assert.equal('bearer_token_file' in b, false);
  });

  it('refuses them together or with another auth, with Prometheus messages', () => {
    assert.equal(
      refusal({ bearer_token: 'a', bearer_token_file: '/f' }),
      'at most one of bearer_token & bearer_token_file must be configured',
    );
    assert.equal(
      refusal({ bearer_token: 'a', basic_auth: { username: 'u' } }),
      'at most one of basic_auth, bearer_token & bearer_token_file must be configured',
    );
    assert.equal(
      refusal({ bearer_token_file: '/f', authorization: { credentials: 'x' } }),
      'authorization is not compatible with bearer_token & bearer_token_file',
    );
  });
});

describe('scrapeConfigSchema: keys whose Prometheus default is what Argus does', () => {
  it('accepts the classic-histogram switches at either value', () => {
    for (const v of [false, true]) {
      parse({ scrape_classic_histograms: v });
      parse({ always_scrape_classic_histograms: v });
    }
  });

  it('accepts native-histogram keys at their defaults and refuses other values by name', () => {
    parse({
      scrape_native_histograms: false,
      native_histogram_bucket_limit: 0,
      native_histogram_min_bucket_factor: 0,
      convert_classic_histograms_to_nhcb: false,
      extra_scrape_metrics: false,
    });
    assert.equal(
      refusal({ native_histogram_bucket_limit: 160 }),
      'native_histogram_bucket_limit: 160 is not supported yet (native histograms are not supported yet); Argus accepts 0',
    );
    assert.match(refusal({ convert_classic_histograms_to_nhcb: true }), /accepts false$/);
    assert.match(refusal({ scrape_native_histograms: true }), /^scrape_native_histograms: true/);
  });

  it('refuses newer keys Argus lacks by name, not as unknown keys', () => {
    assert.match(
      refusal({ http_headers: { 'X-A': { values: ['1'] } } }),
      /^http_headers is a Prometheus setting Argus does not support yet/,
    );
    assert.match(refusal({ scrape_failure_log_file: '/x' }), /^scrape_failure_log_file is a/);
    assert.match(refusal({ no_such_key: 1 }), /no_such_key/);
  });
});

describe('scrapeGlobalShape: Prometheus 3.x global scrape keys', () => {
  const global = z.object(scrapeGlobalShape).strict();

  it('accepts the histogram switches at their defaults and inherits keep_dropped_targets', () => {
    const g = global.parse({
      always_scrape_classic_histograms: true,
      convert_classic_histograms_to_nhcb: false,
      scrape_native_histograms: false,
      extra_scrape_metrics: false,
      keep_dropped_targets: 50,
    });
    const [inherit, own] = resolveScrapeConfigs(g, [
      parse({}),
      parse({ job_name: 'k', keep_dropped_targets: 5 }),
    ]);
    assert.equal(inherit.keep_dropped_targets, 50);
    assert.equal(own.keep_dropped_targets, 5);
  });

  it('refuses the others by name', () => {
    const r = global.safeParse({ scrape_failure_log_file: '/x', extra_scrape_metrics: true });
    assert.equal(r.success, false);
    assert.deepEqual(
      r.error.issues.map((i) => i.message.split(' (')[0]),
      [
        'extra_scrape_metrics: true is not supported yet',
        'scrape_failure_log_file is a Prometheus setting Argus does not support yet',
      ],
    );
  });
});
