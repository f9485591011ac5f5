import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteState, type StateStore } from '../../state/index.js';
import {
  RuleGroupConflictError,
  RuleGroupInvalidError,
  RuleGroupNotFoundError,
  SqliteRuleGroups,
  validateRuleGroup,
} from './sqlite-rule-groups.js';

const GROUP = `name: node
interval: 30s
rules:
  - alert: InstanceDown
    expr: up == 0
    for: 5m
    labels: { severity: page }
    annotations: { summary: "{{ $labels.instance }} down" }
`;

describe('SqliteRuleGroups (real SQLite file)', () => {
  let dir: string;
  let state: StateStore;
  let s: SqliteRuleGroups;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argus-rules-'));
    state = openSqliteState({ file: path.join(dir, 'state.db') });
    s = new SqliteRuleGroups(state);
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, replaces with the version it edited, deletes — each audited', async () => {
    const c = await s.save('default', 'node', GROUP, 'user:alice');
    assert.equal(c.version, 1);
    assert.equal(c.spec.name, 'node');
    assert.equal(c.spec.intervalMs, 30_000);
    assert.equal(c.spec.rules.length, 1);
    assert.match(c.yaml, /^name: node\n/);
    assert.deepEqual(await s.tenants(), ['default']);
    assert.deepEqual((await s.list('other')).length, 0);

    // JSON-shaped input works too; the name may come from the URL.
    const u = await s.save(
      'default',
      'node',
      { rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] },
      'user:bob',
      1,
    );
    assert.equal(u.version, 2);
    const got = (await s.get('default', 'node'))!;
    assert.deepEqual(
      got.spec.rules.map((r) => [r.kind, r.name]),
      [['recording', 'job:up:sum']],
    );
    assert.equal((await s.get('default', 'node'))!.updatedBy, 'user:bob');

    await assert.rejects(s.save('default', 'node', GROUP, 'user:alice'), RuleGroupConflictError);
    await assert.rejects(
      s.save('default', 'node', GROUP, 'user:alice', 1),
      /it was saved by user:bob since \(version 2, yours is 1\)/,
    );
    await assert.rejects(
      s.save('default', 'nope', GROUP.replace('node', 'nope'), 'u', 3),
      RuleGroupNotFoundError,
    );
    await s.delete('default', 'node', 'user:alice');
    assert.equal(await s.get('default', 'node'), undefined);
    await assert.rejects(s.delete('default', 'node', 'user:alice'), RuleGroupNotFoundError);

    const actions = (await state.audit.list({ tenant: 'default' })).map((e) => [e.action, e.actor]);
    assert.deepEqual(
      actions.reverse().slice(-3),
      [
        ['rules.group.create', 'user:alice'],
        ['rules.group.update', 'user:bob'],
        ['rules.group.delete', 'user:alice'],
      ].slice(-3),
    );
  });

  it('refuses what would not load, with the rule-file checker’s words, and stores nothing', async () => {
    const bad = GROUP.replace('up == 0', 'up ==');
    await assert.rejects(s.save('default', 'node', bad, 'u'), (e: unknown) => {
      assert.ok(e instanceof RuleGroupInvalidError);
      assert.match(e.errors[0], /group "node", rule 1, "InstanceDown": could not parse expression/);
      return true;
    });
    assert.equal(await s.get('default', 'node'), undefined);
    assert.throws(() => validateRuleGroup('name: a\nrules: [', 'a'), /not YAML/);
    assert.throws(() => validateRuleGroup([1, 2]), /expected one rule group/);
    assert.throws(
      () => validateRuleGroup(GROUP, 'other'),
      /the group is named "node" but the URL names "other"/,
    );
    assert.throws(
      () => validateRuleGroup({ name: 'x', rules: [{ alert: 'A', expr: 'up', bogus: 1 }] }),
      /bogus/,
    );
  });
});
