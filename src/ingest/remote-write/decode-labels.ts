import {
  InvalidLabelsError,
  Labels,
  cmpStr,
  validateLabels,
  type LabelLimits,
  type NameValidation,
} from '../../model/index.js';
import { RemoteWriteError } from './errors.js';
import { ProtoReader, WIRE_LEN } from './proto-reader.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

/**
 * The slow path for a series not in the cache: decodes the label fields of the TimeSeries at
 * `buf[start, end)` into validated Labels. Throws a 400 RemoteWriteError naming the series
 * (its position in the request and its labels, as far as they decode) and the reason.
 */
export function decodeLabels(
  buf: Buffer,
  start: number,
  end: number,
  index: number,
  limits: LabelLimits,
  mode: NameValidation,
): Labels {
  const r = new ProtoReader();
  r.reset(buf);
  r.pos = start;
  const pairs: [string, string][] = [];
  let badUtf8 = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag !== ((1 << 3) | WIRE_LEN)) {
      r.skip(tag & 7, end);
      continue;
    }
    const le = r.lenEnd(end);
    let name = '';
    let value = '';
    while (r.pos < le) {
      const t = r.uint32(le);
      const f = t >>> 3;
      if ((f === 1 || f === 2) && (t & 7) === WIRE_LEN) {
        const se = r.lenEnd(le);
        let s: string;
        try {
          s = strict.decode(buf.subarray(r.pos, se));
        } catch {
          s = lossy.decode(buf.subarray(r.pos, se));
          if (badUtf8 === '')
            badUtf8 = f === 1 ? `label name ${JSON.stringify(s)}` : `value of label "${name}"`;
        }
        if (f === 1) name = s;
        else value = s;
        r.pos = se;
      } else {
        if (f === 1 || f === 2)
          r.expectWire(`Label.${f === 1 ? 'name' : 'value'}`, t & 7, WIRE_LEN);
        r.skip(t & 7, le);
      }
    }
    pairs.push([name, value]);
  }
  const render = () => renderPairs(pairs);
  const fail = (why: string, cause?: unknown) =>
    new RemoteWriteError(
      400,
      'invalid_labels',
      `cannot ingest series #${index} ${render()}: ${why}`,
      { cause },
    );
  if (badUtf8 !== '') throw fail(`${badUtf8} is not valid UTF-8`);
  for (const [n] of pairs) if (n === '') throw fail('empty label name');
  const sorted = pairs.slice().sort((a, b) => cmpStr(a[0], b[0]));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] === sorted[i - 1][0]) throw fail(`duplicate label name "${sorted[i][0]}"`);
  }
  try {
    const ls = Labels.fromPairs(sorted);
    validateLabels(ls, limits, mode);
    return ls;
  } catch (err) {
    if (err instanceof InvalidLabelsError) throw fail(err.message, err);
    throw err;
  }
}

function renderPairs(pairs: readonly [string, string][]): string {
  let s = pairs.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(', ');
  if (s.length > 300) s = `${s.slice(0, 300)}…`;
  return `{${s}}`;
}
