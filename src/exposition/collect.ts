import { ExpositionParser, type ParserOptions } from './parser.js';
import type { ExpositionFormat, FamilyMetadata, Sample } from './types.js';

/** Everything in a body, built as objects (tests, imports, push; not the scrape hot path). */
export interface ParsedBody {
  samples: Sample[];
  metadata: FamilyMetadata[];
}

/** Parses a whole body into sample and metadata objects. Throws ExpositionError. */
export function parseBody(buf: Buffer, format: ExpositionFormat, opts?: ParserOptions): ParsedBody {
  const out: ParsedBody = { samples: [], metadata: [] };
  const p = new ExpositionParser(buf, format, opts);
  for (let k = p.next(); k !== 'eof'; k = p.next()) {
    if (k === 'metadata') out.metadata.push(p.metadata());
    else out.samples.push(toSample(p));
  }
  return out;
}

/** Streams a body's samples as objects; metadata is skipped. Throws ExpositionError. */
export function* samplesOf(
  buf: Buffer,
  format: ExpositionFormat,
  opts?: ParserOptions,
): Generator<Sample> {
  const p = new ExpositionParser(buf, format, opts);
  for (let k = p.next(); k !== 'eof'; k = p.next()) if (k === 'sample') yield toSample(p);
}

function toSample(p: ExpositionParser): Sample {
  const s: Sample = { name: p.name(), labels: p.labels(), value: p.value };
  if (p.hasTimestamp) s.timestampMs = p.timestampMs;
  const ex = p.exemplar();
  if (ex !== undefined) s.exemplar = ex;
  return s;
}
