import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, formatProblem, loadConfigFile, parseConfigText, zDuration } from './index.js';

const schema = z
  .object({
    name: z.string().default('x'),
    count: z.number().int().min(1).max(10).default(1),
    every: zDuration.default(1000),
    mode: z.union([z.literal('a'), z.number()]).optional(),
    items: z.array(z.object({ id: z.string() }).strict()).default([]),
    nested: z
      .object({
        deep: z
          .object({ flag: z.boolean().default(false) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    required: z.object({ must: z.string() }).strict().optional(),
  })
  .strict();

/** The error text parseConfigText throws for `text` (fails the test if it does not throw). */
function errorOf(text: string): string {
  try {
    parseConfigText(text, 'c.yml', schema);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('parseConfigText', () => {
  it('returns defaults for an empty document', () => {
    for (const text of ['', '\n', '# just a comment\n', '---\n']) {
      assert.deepEqual(parseConfigText(text, 'c.yml', schema), {
        name: 'x',
        count: 1,
        every: 1000,
        items: [],
        nested: { deep: { flag: false } },
      });
    }
  });

  it('parses values and applies nested defaults', () => {
    const cfg = parseConfigText('every: 5m\nitems:\n  - id: a\nnested: {}\n', 'c.yml', schema);
    assert.equal(cfg.every, 300_000);
    assert.deepEqual(cfg.items, [{ id: 'a' }]);
    assert.equal(cfg.nested.deep.flag, false);
  });

  it('reads an empty section (YAML null) as an empty mapping, at any depth and in lists', () => {
    const want = parseConfigText('', 'c.yml', schema);
    assert.deepEqual(parseConfigText('nested:\n', 'c.yml', schema), want);
    assert.deepEqual(parseConfigText('nested:\n  deep:\n  # flag: true\n', 'c.yml', schema), want);
    const list = z.object({ l: z.array(z.object({ o: z.object({ x: z.number().default(1) }) })) });
    assert.deepEqual(parseConfigText('l:\n  - o:\n', 'c.yml', list), { l: [{ o: { x: 1 } }] });
    // Where null is allowed it stays null; unknown keys and scalars keep their null.
    const nullable = z.object({ n: z.object({ a: z.number().default(1) }).nullable() });
    assert.deepEqual(parseConfigText('n:\n', 'c.yml', nullable), { n: null });
    assert.equal(
      errorOf('nope:\nname:\n'),
      'c.yml:1:1: unknown key "nope"\nc.yml:2:1: name: expected a string, got null (empty value)',
    );
  });

  // Case per line: YAML text, exact error text.
  const cases: [string, string][] = [
    ['count: 0\n', 'c.yml:1:1: count: expected a number >= 1, got 0'],
    ['count: 11\n', 'c.yml:1:1: count: expected a number <= 10, got 11'],
    ['count: 1.5\n', 'c.yml:1:1: count: expected an integer, got 1.5'],
    ['name: [1]\n', 'c.yml:1:1: name: expected a string, got a list'],
    ['name:\n', 'c.yml:1:1: name: expected a string, got null (empty value)'],
    [
      'every: {a: 1}\n',
      'c.yml:1:1: every: expected a duration like 30s, 5m, 2h or 15d, got a mapping',
    ],
    ['mode: true\n', 'c.yml:1:1: mode: expected "a" or a number, got true'],
    ['items:\n  - id: a\n  - id: 3\n', 'c.yml:3:5: items[1].id: expected a string, got 3'],
    [
      'items:\n  - id: a\n  - nope: 1\n',
      'c.yml:3:5: items[1].id: missing required key (expected a string)\nc.yml:3:5: items[1]: unknown key "nope"',
    ],
    [
      'nested:\n  deep:\n    flag: 1\n    other: 2\n',
      'c.yml:3:5: nested.deep.flag: expected true or false, got 1\nc.yml:4:5: nested.deep: unknown key "other"',
    ],
    ['required: {}\n', 'c.yml:1:1: required.must: missing required key (expected a string)'],
    ['"quoted": 1\n', 'c.yml:1:1: unknown key "quoted"'],
    ['required:\n', 'c.yml:1:1: required.must: missing required key (expected a string)'],
    ['nme: x\n', 'c.yml:1:1: unknown key "nme" (did you mean "name"?)'],
    ['Every: 1s\n', 'c.yml:1:1: unknown key "Every" (did you mean "every"?)'],
    ['nested:\n  deap: {}\n', 'c.yml:2:3: nested: unknown key "deap" (did you mean "deep"?)'],
    [
      'nested:\n  deep:\n    flga: true\n',
      'c.yml:3:5: nested.deep: unknown key "flga" (did you mean "flag"?)',
    ],
    [
      'items:\n  - idd: a\n',
      'c.yml:2:5: items[0].id: missing required key (expected a string)\nc.yml:2:5: items[0]: unknown key "idd" (did you mean "id"?)',
    ],
    ['itemz_and_more: 1\n', 'c.yml:1:1: unknown key "itemz_and_more"'],
    [
      'a: &x 1\nname: *x\n',
      'c.yml:1:1: unknown key "a"\nc.yml:2:1: name: expected a string, got 1',
    ],
    ['name: a\nname: b\n', 'c.yml:2:1: invalid YAML: duplicate key "name"'],
    ['42\n', 'c.yml:1:1: expected a mapping of settings, got 42'],
    ['name: "unterminated\n', 'c.yml:2:1: invalid YAML: Missing closing "quote'],
  ];
  for (const [text, want] of cases) {
    it(`reports ${JSON.stringify(text)}`, () => assert.equal(errorOf(text), want));
  }

  it('keeps structured problems', () => {
    try {
      parseConfigText('count: 0\nzz: 1\n', 'f.yml', schema);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        err.problems.map((p) => [p.line, p.column, p.path]),
        [
          [1, 1, 'count'],
          [2, 1, ''],
        ],
      );
    }
  });

  it('follows aliases to find positions', () => {
    const text = 'base: &b\n  deep:\n    flag: nope\nnested: *b\n';
    const s = z.object({ base: z.unknown(), nested: schema.shape.nested }).strict();
    assert.throws(() => parseConfigText(text, 'c.yml', s), {
      message: 'c.yml:3:5: nested.deep.flag: expected true or false, got "nope"',
    });
  });
});

describe('loadConfigFile', () => {
  it('reads a file and names it in errors', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-config-'));
    const file = path.join(dir, 'argus.yml');
    await writeFile(file, 'count: 3\n');
    assert.equal((await loadConfigFile(file, schema)).count, 3);
    await writeFile(file, 'count: -1\n');
    await assert.rejects(loadConfigFile(file, schema), {
      message: `${file}:1:1: count: expected a number >= 1, got -1`,
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a missing file', async () => {
    await assert.rejects(loadConfigFile('/nonexistent/argus.yml', schema), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^\/nonexistent\/argus\.yml: cannot read config file: ENOENT/);
      return true;
    });
  });
});

describe('formatProblem', () => {
  it('omits unknown position and empty path', () => {
    assert.equal(formatProblem({ file: '--listen', path: '', message: 'bad' }), '--listen: bad');
    assert.equal(formatProblem({ file: 'f', line: 2, path: 'a.b', message: 'm' }), 'f:2:1: a.b: m');
  });
});
