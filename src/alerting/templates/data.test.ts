import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeLink } from './data.js';

describe('safeLink', () => {
  it('keeps http(s) URLs and paths, drops other schemes a posted alert could carry', () => {
    for (const ok of ['http://prom:9090/graph?g0.expr=up', 'https://x/', '/explore?q=up'])
      assert.equal(safeLink(ok), ok);
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>',
      '//evil.example/x',
      'not a url',
    ])
      assert.equal(safeLink(bad), '', bad);
  });
});
