import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DnsStub } from '../net/testing.js';
import { nopLogger, type Logger } from '../util/index.js';
import { expandFilePattern, JobDiscovery, parseFileSd, type TargetGroup } from './discovery.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'argus-sd-'));
  dirs.push(d);
  return d;
}

function job(over: Partial<ConstructorParameters<typeof JobDiscovery>[0]> = {}) {
  return { job_name: 'j', static_configs: [], file_sd_configs: [], dns_sd_configs: [], ...over };
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const addresses = (groups: TargetGroup[]) =>
  groups.flatMap((g) => g.targets.map((t) => t.__address__)).sort();

describe('static_configs', () => {
  it('gives one group per entry with its labels', async () => {
    const seen: TargetGroup[][] = [];
    const d = new JobDiscovery(
      job({ static_configs: [{ targets: ['a:1', 'b:2'], labels: { env: 'prod' } }] }),
      (g) => seen.push(g),
      { logger: nopLogger },
    );
    await d.start();
    d.stop();
    assert.deepEqual(seen, [
      [
        {
          source: 'static/0',
          targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }],
          labels: { env: 'prod' },
        },
      ],
    ]);
  });
});

describe('file_sd_configs', () => {
  it('parses JSON and YAML files, with __meta_filepath', () => {
    assert.deepEqual(parseFileSd('/x/a.json', '[{"targets":["h:9100"],"labels":{"team":"db"}}]'), [
      {
        source: 'file:/x/a.json:0',
        targets: [{ __address__: 'h:9100' }],
        labels: { team: 'db', __meta_filepath: '/x/a.json' },
      },
    ]);
    assert.deepEqual(addresses(parseFileSd('/x/b.yml', '- targets: [a:1, b:2]\n')), ['a:1', 'b:2']);
    assert.deepEqual(parseFileSd('/x/empty.yml', ''), []);
  });

  for (const [text, want] of [
    ['{"targets": []}', /expected a list of target groups/],
    ['[{"labels": {}}]', /group 0: expected \{targets/],
    ['[{"targets": [1]}]', /targets must be non-empty strings/],
    ['[{"targets": ["a:1"], "labels": {"x": 1}}]', /label x must be a string/],
    ['[{"targets": ', /not valid JSON/],
  ] as const) {
    it(`refuses ${text} naming the problem`, () => {
      assert.throws(() => parseFileSd('/x/t.json', text), want);
    });
  }

  it('expands wildcards in the last path element only', async () => {
    const dir = await tempDir();
    for (const f of ['a.json', 'b.json', 'c.yml']) await writeFile(path.join(dir, f), '[]');
    assert.deepEqual(await expandFilePattern(path.join(dir, '*.json')), [
      path.join(dir, 'a.json'),
      path.join(dir, 'b.json'),
    ]);
    assert.deepEqual(await expandFilePattern(path.join(dir, '?.yml')), [path.join(dir, 'c.yml')]);
    assert.deepEqual(await expandFilePattern(path.join(dir, 'none', '*.json')), []);
  });

  it('picks up changed and new files, and keeps a broken file’s last targets', async () => {
    const dir = await tempDir();
    const a = path.join(dir, 'a.json');
    await writeFile(a, JSON.stringify([{ targets: ['a:1'] }]));
    let latest: TargetGroup[] = [];
    const warnings: string[] = [];
    const logger: Logger = { ...nopLogger, warn: (_o, msg) => void warnings.push(msg) };
    const d = new JobDiscovery(
      job({ file_sd_configs: [{ files: [path.join(dir, '*.json')], refresh_interval: 60_000 }] }),
      (g) => (latest = g),
      { logger },
    );
    await d.start();
    try {
      assert.deepEqual(addresses(latest), ['a:1']);
      await writeFile(path.join(dir, 'b.json'), JSON.stringify([{ targets: ['b:2'] }]));
      await waitFor(() => addresses(latest).length === 2, 'the new file');
      await writeFile(a, '[{"targets": ["broken');
      await waitFor(() => warnings.length > 0, 'the warning');
      assert.deepEqual(addresses(latest), ['a:1', 'b:2'], 'last good targets kept');
      // Writes to other files in the directory (say, Argus's own log) do not re-read it.
      await new Promise((r) => setTimeout(r, 100));
      const before = warnings.length;
      for (let i = 0; i < 50; i++) await writeFile(path.join(dir, 'argus.log'), `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(warnings.length - before <= 1, `${warnings.length - before} more warnings`);
      await writeFile(a, JSON.stringify([{ targets: ['a:9'] }]));
      await waitFor(() => addresses(latest).includes('a:9'), 'the fixed file');
    } finally {
      d.stop();
    }
  });

  it('drops the targets of a deleted file named by a literal path, without warnings', async () => {
    const dir = await tempDir();
    const a = path.join(dir, 'a.yml');
    const b = path.join(dir, 'b.yml');
    await writeFile(a, '- targets: ["a:1"]\n');
    await writeFile(b, '- targets: ["b:2"]\n');
    let latest: TargetGroup[] = [];
    const warnings: string[] = [];
    const logger: Logger = { ...nopLogger, warn: (_o, msg) => void warnings.push(msg) };
    // A long refresh interval: the directory watch alone must notice the deletion.
    const d = new JobDiscovery(
      job({ file_sd_configs: [{ files: [a, b], refresh_interval: 60_000 }] }),
      (g) => (latest = g),
      { logger },
    );
    await d.start();
    try {
      assert.deepEqual(addresses(latest), ['a:1', 'b:2']);
      await unlink(a);
      await waitFor(() => addresses(latest).length === 1, 'the deleted file’s targets to go');
      assert.deepEqual(addresses(latest), ['b:2']);
      assert.deepEqual(warnings, []);
      await writeFile(a, '- targets: ["a:3"]\n');
      await waitFor(() => addresses(latest).includes('a:3'), 'the recreated file');
    } finally {
      d.stop();
    }
  });
});

describe('dns_sd_configs', () => {
  let dns: DnsStub;
  before(async () => {
    dns = await DnsStub.start();
  });
  after(() => dns.close());

  it('resolves SRV, A and AAAA with __meta_dns_* labels; NXDOMAIN is no targets', async () => {
    dns.set('_metrics._tcp.svc.test', {
      srv: [
        { port: 9100, target: 'node-1.svc.test' },
        { port: 9200, target: 'node-2.svc.test' },
      ],
    });
    dns.set('hosts.svc.test', { a: ['10.0.0.1', '10.0.0.2'], aaaa: ['fd00::1'] });
    let latest: TargetGroup[] = [];
    const d = new JobDiscovery(
      job({
        dns_sd_configs: [
          { names: ['_metrics._tcp.svc.test'], type: 'SRV', refresh_interval: 30_000 },
          {
            names: ['hosts.svc.test', 'gone.svc.test'],
            type: 'A',
            port: 8080,
            refresh_interval: 30_000,
          },
          { names: ['hosts.svc.test'], type: 'AAAA', port: 8080, refresh_interval: 30_000 },
        ],
      }),
      (g) => (latest = g),
      { logger: nopLogger, resolver: dns.resolver() },
    );
    await d.start();
    d.stop();
    assert.deepEqual(addresses(latest), [
      '10.0.0.1:8080',
      '10.0.0.2:8080',
      '[fd00::1]:8080',
      'node-1.svc.test:9100',
      'node-2.svc.test:9200',
    ]);
    const srv = latest.find((g) => g.source === 'dns/0/_metrics._tcp.svc.test')!;
    assert.deepEqual(srv.targets[0], {
      __meta_dns_name: '_metrics._tcp.svc.test',
      __address__: 'node-1.svc.test:9100',
      __meta_dns_srv_record_target: 'node-1.svc.test',
      __meta_dns_srv_record_port: '9100',
    });
  });
});
