import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toEntry, sanitizeName } from './entry.js';
import { parseRfc3339, parseRfc3339Cached, parseSyslog, type SyslogMessage } from './parse.js';

interface Case {
  name: string;
  in: string;
  now?: string;
  want: Omit<SyslogMessage, 'ts'> & { ts?: string };
}

const cases = readFileSync(
  join(process.cwd(), 'src/ingest/syslog/testdata/parse-cases.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Case);

/** `local:YYYY-MM-DD HH:MM:SS` → a Date in the local time zone (RFC 3164 stamps are local). */
function localDate(s: string): Date {
  const [d, t] = s.split(' ');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi, se] = t.split(':').map(Number);
  return new Date(y, mo - 1, da, h, mi, se);
}

describe('parseSyslog', () => {
  for (const c of cases) {
    it(c.name, () => {
      const now = c.now !== undefined ? localDate(c.now) : localDate('2026-06-15 12:00:00');
      const got = parseSyslog(c.in, now);
      const { ts, ...rest } = c.want;
      const want: SyslogMessage = { ...rest };
      if (ts !== undefined)
        want.ts = ts.startsWith('local:')
          ? BigInt(localDate(ts.slice(6)).getTime()) * 1_000_000n
          : BigInt(ts);
      const defined = Object.fromEntries(Object.entries(got).filter(([, v]) => v !== undefined));
      assert.deepEqual(defined, want);
    });
  }
});

describe('parseRfc3339', () => {
  it('accepts the RFC 5424 forms and refuses the rest', () => {
    assert.equal(parseRfc3339('1985-04-12T23:20:50.52Z'), 482196050520000000n);
    assert.equal(parseRfc3339('1985-04-12T19:20:50.52-04:00'), 482196050520000000n);
    assert.equal(parseRfc3339('1985-04-12t23:20:50z'), 482196050000000000n);
    for (const bad of [
      '1985-04-12 23:20:50Z',
      '1985-04-12T23:20:50',
      '1985-04-12T23:20:50.Z',
      '1985-04-12T23:20:50.1234567890Z',
      '1985-04-12T24:20:50Z',
      '1985-04-12T23:20:50+0400',
      '1985-04-12T23:20:50Zjunk',
      '19x5-04-12T23:20:50Z',
    ])
      assert.equal(parseRfc3339(bad), undefined, bad);
  });
});

describe('parseRfc3339Cached', () => {
  it('agrees with parseRfc3339 within and across seconds', () => {
    for (const s of [
      '2026-11-27T16:58:20Z',
      '2026-11-27T16:58:20.5Z',
      '2026-11-27T16:58:20.123456789Z',
      '2026-11-27T16:58:20.Z',
      '2026-11-27T16:58:20.1234567890Z',
      '2026-11-27T16:58:20.1+01:00',
      '2026-11-27T16:58:20.2+01:00',
      '2026-11-27T16:58:21.2+01:00',
      '2026-11-27T16:58:21',
      'garbage',
    ])
      assert.equal(parseRfc3339Cached(s), parseRfc3339(s), s);
  });
});

describe('toEntry', () => {
  it('keeps MSG as the line and the rest as fields, SD names sanitised', () => {
    const m = parseSyslog(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 77 ID47 [exampleSDID@32473 iut="3" eventSource="Application" iut="4" empty=""][2nd level="x"] An application event',
    );
    assert.deepEqual(toEntry(m, 1n), {
      ts: 1065910455003000000n,
      line: 'An application event',
      fields: [
        ['facility', 'local4'],
        ['severity', 'notice'],
        ['level', 'info'],
        ['procid', '77'],
        ['msgid', 'ID47'],
        ['sd_exampleSDID_32473_iut', '3'],
        ['sd_exampleSDID_32473_eventSource', 'Application'],
        ['sd_2nd_level', 'x'],
      ],
    });
  });

  it('uses the receive time when the message has none and names the error', () => {
    assert.deepEqual(toEntry(parseSyslog('garbage'), 42n), {
      ts: 42n,
      line: 'garbage',
      fields: [
        ['facility', 'user'],
        ['severity', 'notice'],
        ['level', 'info'],
        ['syslog_error', 'no PRI'],
      ],
    });
  });

  it('normalises every severity to a level', () => {
    const levels = [0, 1, 2, 3, 4, 5, 6, 7].map(
      (s) => toEntry(parseSyslog(`<${8 + s}>x: y`), 0n).fields![2][1],
    );
    assert.deepEqual(levels, ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug']);
  });

  it('sanitizes names to label-name syntax', () => {
    assert.equal(sanitizeName('sd_a.b-c@1'), 'sd_a_b_c_1');
    assert.equal(sanitizeName('9x'), '_9x');
  });
});
