import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LiteralError,
  formatBytes,
  formatDurationMs,
  parseBytes,
  parseDurationMs,
  parseDurationNs,
  quote,
  unquote,
} from './parse-literals.js';

describe('LogQL literals', () => {
  it('unquotes Go escapes and raw strings', () => {
    assert.equal(unquote('"a\\"b\\\\\\n\\t\\a\\x41\\101\\u00e9\\U0001F600"'), 'a"b\\\n\t\x07AAé😀');
    assert.equal(unquote('`a\\n"`'), 'a\\n"');
    assert.throws(() => unquote('"\\\'"'), LiteralError);
    assert.throws(() => unquote('"\\400"'), /invalid escape sequence "\\400"/);
    assert.throws(() => unquote('"\\uD800"'), /invalid escape sequence/);
    assert.throws(() => unquote('"abc'), /unterminated quoted string/);
  });

  it('quotes control characters so that unquote gives them back', () => {
    const s = 'x\u0000\u001f\u007f\r\n\t"\\é';
    assert.equal(unquote(quote(s)), s);
  });

  it('parses Go/Prometheus durations', () => {
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('1y2w3d'), (365 + 14 + 3) * 86_400_000);
    assert.equal(parseDurationMs('1.5s'), 1500);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationNs('10us'), 10_000);
    assert.equal(parseDurationNs('7ns'), 7);
    assert.throws(() => parseDurationMs('10us'), /whole number of milliseconds/);
    assert.throws(() => parseDurationMs('5'), /invalid duration "5"/);
    assert.throws(() => parseDurationMs(''), /invalid duration/);
    assert.equal(formatDurationMs(5_400_000), '1h30m');
    assert.equal(formatDurationMs(0), '0s');
    assert.equal(formatDurationMs(86_400_000 * 8 + 1), '1w1d1ms');
  });

  it('parses and formats byte sizes', () => {
    assert.equal(parseBytes('1KB'), 1000);
    assert.equal(parseBytes('1KiB'), 1024);
    assert.equal(parseBytes('5mib'), 5 * 2 ** 20);
    assert.equal(parseBytes('1.5GB'), 1.5e9);
    assert.throws(() => parseBytes('1XB'), /invalid bytes "1XB"/);
    assert.equal(formatBytes(2e9), '2GB');
    assert.equal(formatBytes(3 * 2 ** 30), '3GiB');
    assert.equal(formatBytes(999), '999B');
    assert.equal(formatBytes(1.5), '1.5B');
  });
});
