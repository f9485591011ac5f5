import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatMatchers,
  fromApiMatcher,
  matcherProblem,
  matchersFromLabels,
  matchesAll,
  matchesEverything,
  parseMatchers,
  toApiMatcher,
  type Matcher,
} from '../../web/src/lib/alerting/matchers.js';
import { silenceFieldOf } from '../../web/src/lib/alerting/silence.js';

describe('alerting matchers', () => {
  it('parses a filter with braces, quotes, escapes, bare values and all four operators', () => {
    assert.deepEqual(parseMatchers('{job="api", env!~"dev|test", a=~x.*, b!=y}'), {
      matchers: [
        { name: 'job', op: '=', value: 'api' },
        { name: 'env', op: '!~', value: 'dev|test' },
        { name: 'a', op: '=~', value: 'x.*' },
        { name: 'b', op: '!=', value: 'y' },
      ],
    });
    assert.deepEqual(parseMatchers('msg="say \\"hi\\", then go"'), {
      matchers: [{ name: 'msg', op: '=', value: 'say "hi", then go' }],
    });
    assert.deepEqual(parseMatchers('   '), { matchers: [] });
  });

  it('says what is wrong with a bad filter', () => {
    assert.match(parseMatchers('job').error ?? '', /expected =, !=, =~ or !~ after “job”/);
    assert.match(parseMatchers('job="x').error ?? '', /unclosed quote/);
    assert.match(parseMatchers('1x="a"').error ?? '', /expected a label name/);
    assert.match(parseMatchers('a="b" c="d"').error ?? '', /expected a comma/);
  });

  it('round-trips through the filter text and the API objects', () => {
    const ms: Matcher[] = [
      { name: 'a', op: '=', value: 'x"y' },
      { name: 'b', op: '!=', value: '' },
      { name: 'c', op: '=~', value: 'p|q' },
      { name: 'd', op: '!~', value: '.+' },
    ];
    const parsed = parseMatchers(formatMatchers(ms));
    assert.deepEqual(parsed, { matchers: ms });
    assert.deepEqual(ms.map(toApiMatcher).map(fromApiMatcher), ms);
    assert.deepEqual(toApiMatcher(ms[3]), {
      name: 'd',
      value: '.+',
      isRegex: true,
      isEqual: false,
    });
    // Old clients leave isEqual out: it means equal.
    assert.deepEqual(fromApiMatcher({ name: 'x', value: 'y', isRegex: false }), {
      name: 'x',
      op: '=',
      value: 'y',
    });
  });

  it('matches label sets as Alertmanager does (anchored regexes, missing label is empty)', () => {
    const l = { alertname: 'Disk', severity: 'page' };
    assert.equal(matchesAll(l, [{ name: 'severity', op: '=~', value: 'page|crit' }]), true);
    assert.equal(matchesAll(l, [{ name: 'severity', op: '=~', value: 'pag' }]), false);
    assert.equal(matchesAll(l, [{ name: 'team', op: '=', value: '' }]), true);
    assert.equal(matchesAll(l, [{ name: 'alertname', op: '!~', value: 'D.*' }]), false);
    assert.equal(matchesAll(l, [{ name: 'x', op: '=~', value: '(' }]), false);
  });

  it('builds silence matchers from an alert, alertname first', () => {
    assert.deepEqual(matchersFromLabels({ z: '1', alertname: 'A', b: '2' }), [
      { name: 'alertname', op: '=', value: 'A' },
      { name: 'b', op: '=', value: '2' },
      { name: 'z', op: '=', value: '1' },
    ]);
  });

  it('checks editor rows and refuses silences that would mute everything', () => {
    assert.equal(matcherProblem({ name: 'job', op: '=', value: 'x' }), '');
    assert.equal(matcherProblem({ name: '', op: '=', value: 'x' }), 'a label name is needed');
    assert.match(matcherProblem({ name: '9a', op: '=', value: 'x' }), /letters, digits/);
    assert.match(
      matcherProblem({ name: 'a', op: '=~', value: '(' }),
      /not a valid regular expression/,
    );
    assert.equal(matchesEverything([]), true);
    assert.equal(matchesEverything([{ name: 'a', op: '=~', value: '.*' }]), true);
    assert.equal(matchesEverything([{ name: 'a', op: '=', value: 'b' }]), false);
  });
});

describe('silence editor errors', () => {
  it('puts an API refusal beside the field it names', () => {
    assert.equal(silenceFieldOf('silence invalid: comment missing'), 'comment');
    assert.equal(silenceFieldOf('silence invalid: createdBy missing'), 'createdBy');
    assert.equal(silenceFieldOf('invalid label matcher 0: bad regex'), 'matchers');
    assert.equal(silenceFieldOf('end time must not be in the past'), 'time');
    assert.equal(silenceFieldOf('too many silences'), 'general');
    // Argus's own messages (src/alerting/silence/validate.ts).
    assert.equal(silenceFieldOf('cannot save silence: createdBy in body is required'), 'createdBy');
    assert.equal(silenceFieldOf("cannot save silence: end time can't be in the past"), 'time');
    assert.equal(
      silenceFieldOf('cannot save silence: at least one matcher must not match the empty string'),
      'matchers',
    );
  });
});
