import { readFileSync } from 'node:fs';
import { CorruptBlockError } from './errors.js';
import { isUlid } from './ulid.js';

export const META_FILE = 'meta.json';
export const INDEX_FILE = 'index';
export const CHUNKS_DIR = 'chunks';
export const META_VERSION = 1;

/** `meta.json` of a block (docs/format/block.md). Times are ms; `maxTime` is exclusive. */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: { numSamples: number; numSeries: number; numChunks: number };
  compaction: { level: number; sources: string[] };
  version: number;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** Reads and validates `<dir>/meta.json`; any problem is a CorruptBlockError. */
export function readMeta(dir: string): BlockMeta {
  let raw: string;
  try {
    raw = readFileSync(`${dir}/${META_FILE}`, 'utf8');
  } catch (err) {
    throw new CorruptBlockError(`cannot read block meta ${dir}/${META_FILE}`, { cause: err });
  }
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch (err) {
    throw new CorruptBlockError(`cannot parse block meta ${dir}/${META_FILE}: not JSON`, {
      cause: err,
    });
  }
  const bad = (what: string): CorruptBlockError =>
    new CorruptBlockError(`cannot parse block meta ${dir}/${META_FILE}: ${what}`);
  if (typeof m !== 'object' || m === null) throw bad('not an object');
  const o = m as Record<string, unknown>;
  if (o.version !== META_VERSION)
    throw bad(`version: got ${JSON.stringify(o.version)}, want ${META_VERSION}`);
  if (typeof o.ulid !== 'string' || !isUlid(o.ulid))
    throw bad(`ulid: got ${JSON.stringify(o.ulid)}`);
  if (!isInt(o.minTime) || !isInt(o.maxTime) || o.minTime >= o.maxTime) {
    throw bad(
      `time range: got [${String(o.minTime)}, ${String(o.maxTime)}), want minTime < maxTime`,
    );
  }
  const s = o.stats as Record<string, unknown> | undefined;
  if (
    typeof s !== 'object' ||
    s === null ||
    !isInt(s.numSamples) ||
    !isInt(s.numSeries) ||
    !isInt(s.numChunks)
  ) {
    throw bad('stats: want {numSamples, numSeries, numChunks} integers');
  }
  const c = o.compaction as Record<string, unknown> | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    !isInt(c.level) ||
    c.level < 1 ||
    !Array.isArray(c.sources) ||
    !c.sources.every((x) => typeof x === 'string' && isUlid(x))
  ) {
    throw bad('compaction: want {level >= 1, sources: [ulid…]}');
  }
  return {
    ulid: o.ulid,
    minTime: o.minTime,
    maxTime: o.maxTime,
    stats: { numSamples: s.numSamples, numSeries: s.numSeries, numChunks: s.numChunks },
    compaction: { level: c.level, sources: c.sources as string[] },
    version: META_VERSION,
  };
}

/** meta.json text: stable key order, trailing newline. */
export function formatMeta(m: BlockMeta): string {
  return JSON.stringify(m, null, 2) + '\n';
}
