import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variableProblems } from '../../web/src/lib/dashboard/variables.js';

describe('variableProblems', () => {
  const v = (name: string, query = 'label_values(job)') => ({ name, query });
  it('accepts names and label_values queries the server accepts', () => {
    const vars = [v('job'), v('instance', 'label_values(up{job="$job"}, instance)')];
    assert.deepEqual(variableProblems(vars, 0), {});
    assert.deepEqual(variableProblems(vars, 1), {});
  });
  it('names a bad name, a second use of a name and a query that is not label_values()', () => {
    assert.match(variableProblems([v('1job')], 0).name ?? '', /name like/);
    assert.match(variableProblems([v('a'), v('a')], 1).name ?? '', /used twice/);
    assert.equal(variableProblems([v('a'), v('a')], 0).name, undefined);
    assert.match(variableProblems([v('a', 'up')], 0).query ?? '', /label_values/);
  });
});
