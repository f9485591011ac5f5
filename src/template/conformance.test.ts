import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { TemplateSet, expandTemplate, prometheusFuncs } from './index.js';

const ROOT = '/work/shared/conformance/rules';
const DIRS = [join(ROOT, 'awesome-prometheus-alerts'), join(ROOT, 'kube-prometheus/extracted')];

function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...ruleFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const LABELS = {
  __name__: 'up',
  alertname: 'Test',
  instance: 'host-1:9100',
  job: 'node',
  namespace: 'monitoring',
  pod: 'web-0',
  container: 'app',
  node: 'worker-1',
  cluster: 'prod',
  device: 'sda',
  mountpoint: '/',
};
const EXTERNAL = { region: 'eu' };

/** How Prometheus expands a rule's labels and annotations: $labels/$value/... and missingkey=zero. */
function expand(name: string, text: string): Promise<string> {
  return expandTemplate(
    name,
    text,
    { Labels: LABELS, ExternalLabels: EXTERNAL, ExternalURL: 'http://prom:9090', Value: 0.8734 },
    {
      funcs: prometheusFuncs({
        externalURL: 'http://prom:9090',
        query: () => Promise.resolve([{ labels: { instance: 'host-1:9100' }, value: 42 }]),
      }),
      missingKey: 'zero',
      values: {
        labels: LABELS,
        externalLabels: EXTERNAL,
        externalURL: 'http://prom:9090',
        value: 0.8734,
      },
    },
  );
}

const present = DIRS.every((d) => existsSync(d));

describe(
  'real-world rule templates',
  { skip: present ? false : 'conformance corpus not present' },
  () => {
    for (const dir of DIRS) {
      if (!present) break;
      for (const file of ruleFiles(dir)) {
        it(file.slice(ROOT.length + 1), async () => {
          const doc = parse(readFileSync(file, 'utf8')) as { groups?: { rules?: Rule[] }[] };
          let n = 0;
          for (const g of doc.groups ?? []) {
            for (const r of g.rules ?? []) {
              for (const [k, v] of Object.entries({ ...r.labels, ...r.annotations })) {
                const out = await expand(`${r.alert ?? 'rule'}.${k}`, String(v));
                assert.ok(!out.includes('{{'), `${r.alert}.${k} left an action: ${out}`);
                assert.ok(!out.includes('<no value>'), `${r.alert}.${k}: ${out}`);
                if (/\{\{-?\s*\$labels\.instance\s*-?\}\}/.test(String(v)))
                  assert.ok(out.includes('host-1:9100'), out);
                n++;
              }
            }
          }
          assert.ok(n > 0, 'no templates found');
        });
      }
    }

    it('prints $labels and $value like Prometheus', async () => {
      const out = await expand(
        'x',
        'VALUE = {{ $value }} LABELS = {{ $labels }} {{ $value | humanizePercentage }} {{ printf "%.2f" $value }}',
      );
      assert.equal(
        out,
        'VALUE = 0.8734 LABELS = map[__name__:up alertname:Test cluster:prod container:app device:sda instance:host-1:9100 job:node mountpoint:/ namespace:monitoring node:worker-1 pod:web-0] 87.34% 0.87',
      );
    });

    it('parses once and executes many times (cached)', async () => {
      const set = new TemplateSet({
        funcs: prometheusFuncs(),
        vars: ['$labels', '$value'],
        missingKey: 'zero',
      });
      set.parse('a', '{{ $labels.instance }} is down ({{ $value | humanize }})');
      for (let i = 0; i < 3; i++)
        assert.equal(
          await set.execute('a', null, { vars: { labels: LABELS, value: 1234567 * (i + 1) } }),
          `host-1:9100 is down (${['1.235M', '2.469M', '3.704M'][i]})`,
        );
    });
  },
);
