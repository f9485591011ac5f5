import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../util/index.js';
import { FrameDecoder } from './framing.js';
import { parseSyslog } from './parse.js';

/** Feeds `input` split at `cuts` and returns the frames (truncated ones marked with `✂`). */
function decode(input: string, max = 64, cuts: number[] = []): string[] {
  const out: string[] = [];
  const d = new FrameDecoder(max, (f, t) => out.push((t ? '✂' : '') + f.toString('utf8')));
  const buf = Buffer.from(input);
  let from = 0;
  for (const c of [...cuts, buf.length]) {
    d.push(buf.subarray(from, c));
    from = c;
  }
  d.end();
  return out;
}

describe('FrameDecoder', () => {
  const table: [string, string, string[]][] = [
    ['LF framing', '<13>a\n<13>b\n', ['<13>a', '<13>b']],
    ['CRLF framing', '<13>a\r\n<13>b\r\n', ['<13>a', '<13>b']],
    ['NUL framing', '<13>a\0<13>b\0', ['<13>a', '<13>b']],
    ['octet counting', '5 <13>a5 <13>b', ['<13>a', '<13>b']],
    ['octet counting keeps newlines inside', '9 <13>a\nb\nc', ['<13>a\nb\nc']],
    ['mixed per frame', '5 <13>a<13>b\n5 <13>c', ['<13>a', '<13>b', '<13>c']],
    ['last line without terminator', '<13>a\n<13>b', ['<13>a', '<13>b']],
    ['incomplete octet frame dropped at end', '10 <13>a', []],
    ['digits without space are a line', '123abc\n', ['123abc']],
    ['blank lines skipped', '\n\n<13>a\n\r\n', ['<13>a']],
  ];
  for (const [name, input, want] of table) {
    it(name, () => {
      assert.deepEqual(decode(input), want);
      // Same frames whatever the read boundaries.
      for (let cut = 1; cut < input.length; cut++)
        assert.deepEqual(decode(input, 64, [cut]), want, `cut at ${cut}`);
    });
  }

  it('cuts over-long frames and resynchronises', () => {
    const long = 'x'.repeat(20);
    assert.deepEqual(decode(`${long}\n<13>ok\n`, 8), ['✂xxxxxxxx', '<13>ok']);
    assert.deepEqual(decode(`20 ${long}5 <13>a`, 8), ['✂xxxxxxxx', '<13>a']);
    for (let cut = 1; cut < 28; cut++)
      assert.deepEqual(decode(`20 ${long}5 <13>a`, 8, [cut]), ['✂xxxxxxxx', '<13>a'], `${cut}`);
    // A long line arriving in pieces is cut once, then skipped to its end.
    assert.deepEqual(decode(`${long}${long}\n<13>b\n`, 8, [5, 30]), ['✂xxxxxxxx', '<13>b']);
  });

  it('reports bytes held for an incomplete frame', () => {
    const d = new FrameDecoder(64, () => {});
    d.push(Buffer.from('<13>partial'));
    assert.equal(d.buffered, 11);
  });
});

describe('parser and framing robustness', () => {
  it('never throws on random bytes or mutated messages', () => {
    const rnd = mulberry32(9);
    const seeds = [
      '<165>1 2003-10-11T22:14:15.003Z host app - ID47 [a@1 b="c\\"d"] msg',
      '<34>Oct 11 22:14:15 mymachine su[12]: hello',
      '<86>2026-11-27T16:58:20.123456+00:00 host sudo: x',
    ];
    let n = 0;
    for (let k = 0; k < 3000; k++) {
      const s = seeds[k % seeds.length].split('');
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * s.length);
        const op = rnd();
        if (op < 0.3) s.splice(at, 1);
        else if (op < 0.6) s.splice(at, 0, String.fromCharCode(32 + Math.floor(rnd() * 95)));
        else s.length = at;
      }
      const text = s.join('');
      const m = parseSyslog(text);
      assert.equal(typeof m.msg, 'string');
      const bytes = Buffer.from(text);
      const d = new FrameDecoder(16, () => n++);
      d.push(bytes);
      d.end();
    }
    assert.ok(n > 0);
  });
});
