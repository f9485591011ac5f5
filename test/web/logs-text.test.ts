import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  filterLiterals,
  highlightSegments,
  levelOf,
  normalizeLevel,
  visibleText,
} from '../../web/src/lib/logs-text.js';

describe('logs-text: levels', () => {
  it('takes the level from labels, detected_level first', () => {
    assert.equal(levelOf({ level: 'WARNING' }, 'ERROR in text'), 'warn');
    assert.equal(levelOf({ detected_level: 'error', level: 'info' }, ''), 'error');
    assert.equal(levelOf({ severity: 'debug' }, ''), 'debug');
  });
  it('detects the level in structured and plain lines', () => {
    assert.equal(levelOf({}, 'ts=1 level=error msg="boom"'), 'error');
    assert.equal(levelOf({}, '{"level":"warn","msg":"x"}'), 'warn');
    assert.equal(levelOf({}, '2026-11-27 INFO started'), 'info');
    assert.equal(levelOf({}, '[DEBUG] cache miss'), 'debug');
    assert.equal(levelOf({}, 'FATAL: out of memory'), 'error');
    assert.equal(levelOf({}, 'GET /index.html 200'), 'unknown');
    // Lower-case words in prose are not levels.
    assert.equal(levelOf({}, 'no error here'), 'unknown');
  });
  it('normalizes level words', () => {
    assert.equal(normalizeLevel('Critical'), 'error');
    assert.equal(normalizeLevel('notice'), 'info');
    assert.equal(normalizeLevel('trace'), 'debug');
    assert.equal(normalizeLevel('banana'), undefined);
  });
});

describe('logs-text: highlighting', () => {
  it('finds |= literals, with or-alternatives and backticks', () => {
    assert.deepEqual(filterLiterals('{a="b"} |= "error" != "x" |= `time out` or "boom"'), [
      'error',
      'time out',
      'boom',
    ]);
    assert.deepEqual(filterLiterals('{a="b"} |= "say \\"hi\\""'), ['say "hi"']);
    assert.deepEqual(filterLiterals('{a="b"} |~ "err.*" |= ""'), []);
  });
  it('splits a line into matching and plain segments', () => {
    assert.deepEqual(highlightSegments('an error and errors', ['error']), [
      { text: 'an ', match: false },
      { text: 'error', match: true },
      { text: ' and ', match: false },
      { text: 'error', match: true },
      { text: 's', match: false },
    ]);
    assert.deepEqual(highlightSegments('abc', []), [{ text: 'abc', match: false }]);
    // The longest literal wins where two start at the same place.
    assert.deepEqual(highlightSegments('errors!', ['err', 'errors']), [
      { text: 'errors', match: true },
      { text: '!', match: false },
    ]);
    const hostile = '<img src=x onerror=alert(1)>';
    assert.equal(
      highlightSegments(hostile, ['img'])
        .map((s) => s.text)
        .join(''),
      hostile,
    );
  });
});

describe('logs-text: visibleText', () => {
  it('shows controls instead of applying them, keeps tabs and newlines', () => {
    assert.equal(visibleText('a\u202Eb\u202Cc'), 'a⟨U+202E⟩b⟨U+202C⟩c');
    assert.equal(visibleText('\u001b[31mred\u001b[0m'), '␛[31mred␛[0m');
    assert.equal(visibleText('x\ty\nz\u0000\u007f\u2066'), 'x\ty\nz␀␡⟨U+2066⟩');
    assert.equal(visibleText('plain عربى'), 'plain عربى');
  });
});
