import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../config/index.js';
import { parseAlertmanagerConfig } from './parse.js';

const ROOT = join(process.cwd(), '../shared/conformance/rules/alertmanager');
const DIR = existsSync(ROOT) ? ROOT : '/work/shared/conformance/rules/alertmanager';
const TESTDATA = join(DIR, 'config-testdata');

function load(file: string) {
  const text = readFileSync(file, 'utf8');
  return parseAlertmanagerConfig(text, { baseDir: DIR, file });
}

describe(
  'Alertmanager config-testdata (EXPECTED.tsv)',
  { skip: !existsSync(TESTDATA) && 'conformance corpus absent' },
  () => {
    const rows = existsSync(TESTDATA)
      ? readFileSync(join(TESTDATA, 'EXPECTED.tsv'), 'utf8')
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('#'))
          .map((l) => l.split('\t'))
      : [];
    it('lists all 46 files', () => assert.equal(rows.length, 46));
    for (const [file, expected, match, message] of rows) {
      it(`${file} is ${expected}`, () => {
        const path = join(TESTDATA, file);
        if (expected === 'valid') {
          load(path);
          return;
        }
        assert.throws(
          () => load(path),
          (err: unknown) => {
            assert.ok(err instanceof ConfigError, String(err));
            if (message.startsWith('(')) return true; // the TSV says: assert only that it fails
            const msgs = err.problems.map((p) => p.message);
            if (match === 'exact')
              assert.ok(msgs.includes(message), `want ${message}\ngot ${err.message}`);
            else assert.ok(err.message.includes(message), `want …${message}…\ngot ${err.message}`);
            return true;
          },
        );
      });
    }
  },
);

describe('Alertmanager examples', { skip: !existsSync(DIR) && 'conformance corpus absent' }, () => {
  for (const f of ['simple.yml', 'route_labels.yml']) {
    it(`${f} loads`, () => {
      const { config, warnings } = load(join(DIR, 'examples', f));
      assert.deepEqual(warnings, []);
      assert.ok(config.receivers.length >= 3);
    });
  }
});
