import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  changedAttachments,
  delayProblem,
  fieldErrors,
  renameInAttachments,
} from '../../web/src/lib/alerting/policy-edit.js';

describe('escalation policy editor helpers', () => {
  it('checks delays like the server', () => {
    for (const ok of ['0', '0s', '15m', '1h30m', '2d', '500ms', ' 5m '])
      assert.equal(delayProblem(ok), undefined, ok);
    assert.match(delayProblem('')!, /enter a delay/);
    assert.match(delayProblem('15')!, /"15" is not a duration/);
    assert.match(delayProblem('5 min')!, /not a duration/);
    assert.match(delayProblem('m5')!, /not a duration/);
  });

  it('splits server errors by field; unknown lines stay general', () => {
    const e = fieldErrors(
      [
        'invalid alertmanager config:',
        'escalation_policies[0].levels[1].receiver: undefined receiver "ghost" used in escalation policy "p"',
        'escalation_policies[1].name: escalation policy "p" is not unique',
        'route.routes[0].escalation_policy: undefined escalation policy "x" used in route',
        'attach[0].route: no route "route.routes[4]" in the config',
        'receivers[0].webhook_configs[0].url: destination "127.0.0.1" is not allowed (loopback)',
        'something without a path',
      ].join('\n'),
      ['route.routes[4]'],
    );
    assert.deepEqual(
      [...e.byField.entries()],
      [
        [
          'escalation_policies[0].levels[1].receiver',
          ['undefined receiver "ghost" used in escalation policy "p"'],
        ],
        ['escalation_policies[1].name', ['escalation policy "p" is not unique']],
        ['route.routes[0]', ['undefined escalation policy "x" used in route']],
        ['route.routes[4]', ['no route "route.routes[4]" in the config']],
      ],
    );
    assert.deepEqual(e.other, [
      'receivers[0].webhook_configs[0].url: destination "127.0.0.1" is not allowed (loopback)',
      'something without a path',
    ]);
    assert.deepEqual(fieldErrors('cannot save: it was saved by user:bob since').other, [
      'cannot save: it was saved by user:bob since',
    ]);
  });

  it('sends only changed attachments; renames and removals follow the policy', () => {
    const loaded = new Map<string, string | null>([
      ['route', null],
      ['route.routes[0]', 'a'],
    ]);
    assert.deepEqual(changedAttachments(loaded, loaded), []);
    const renamed = renameInAttachments(loaded, 'a', 'b');
    assert.deepEqual(changedAttachments(loaded, renamed), [
      { route: 'route.routes[0]', policy: 'b' },
    ]);
    const removed = renameInAttachments(loaded, 'a', null);
    assert.deepEqual(changedAttachments(loaded, removed), [
      { route: 'route.routes[0]', policy: null },
    ]);
    assert.deepEqual(changedAttachments(loaded, new Map([...loaded, ['route', 'a']])), [
      { route: 'route', policy: 'a' },
    ]);
  });
});
