import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addLabelFilter,
  completionSpot,
  histogramQuery,
  isLogQuery,
  selectorEnd,
  streamSelector,
} from '../../web/src/lib/logs-query.js';

describe('logs-query', () => {
  it('builds an exact stream selector, escaping values', () => {
    assert.equal(streamSelector({ job: 'a"b', app: 'x' }), '{app="x", job="a\\"b"}');
  });
  it('finds the end of the selector, skipping strings', () => {
    assert.equal(selectorEnd('{a="}"} |= "x"'), 6);
    assert.equal(selectorEnd('  {a=`}`}'), 8);
    assert.equal(selectorEnd('sum(rate({a="b"}[1m]))'), -1);
    assert.equal(isLogQuery('{a="b"} |= "x"'), true);
  });
  it('adds a stream label inside the selector, a parsed one as a filter stage', () => {
    assert.equal(
      addLabelFilter('{app="api"} |= "x"', 'env', 'prod', true),
      '{app="api", env="prod"} |= "x"',
    );
    assert.equal(addLabelFilter('{}', 'env', 'prod', true), '{env="prod"}');
    assert.equal(
      addLabelFilter('{app="api"} | json', 'env', 'prod', true),
      '{app="api"} | json | env="prod"',
    );
    assert.equal(
      addLabelFilter('{app="api"}', 'status', '500', false),
      '{app="api"} | status="500"',
    );
    assert.equal(addLabelFilter('', 'app', 'a', true), '{app="a"}');
  });
  it('makes the histogram query', () => {
    assert.equal(
      histogramQuery(' {a="b"} |= "x" ', 30),
      'sum by (detected_level, level, severity, lvl, loglevel, severity_text, argus_text_level, ' +
        'argus_text_level_word) (count_over_time({a="b"} |= "x" ' +
        '| regexp `(?i)\\b(?:level|lvl|severity|loglevel)["\']?\\s*[:=]\\s*["\']?(?P<argus_text_level>[a-z]+)` ' +
        '| regexp `\\b(?P<argus_text_level_word>FATAL|CRITICAL|CRIT|PANIC|ERROR|ERR|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)\\b` ' +
        '[30s]))',
    );
  });
  it('says what to complete at the cursor', () => {
    assert.deepEqual(completionSpot('{'), { kind: 'name', prefix: '', from: 1 });
    assert.deepEqual(completionSpot('{ap'), { kind: 'name', prefix: 'ap', from: 1 });
    assert.deepEqual(completionSpot('{app="x", en'), { kind: 'name', prefix: 'en', from: 10 });
    assert.deepEqual(completionSpot('{app=~"a'), {
      kind: 'value',
      label: 'app',
      prefix: 'a',
      from: 7,
    });
    assert.deepEqual(completionSpot('{app="x,y'), {
      kind: 'value',
      label: 'app',
      prefix: 'x,y',
      from: 6,
    });
    assert.equal(completionSpot('{app="x"} |= "'), undefined);
    assert.equal(completionSpot('rate('), undefined);
  });
});
