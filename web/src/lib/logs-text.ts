/**
 * Log line text helpers: the level of a line (from its labels, or detected in the text) and the
 * query's `|=` literals split out of a line for highlighting (spans, never HTML).
 * Pure (no DOM), tested in test/web/logs-text.test.ts.
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'unknown';

export const LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'unknown'];

/** Labels that name a line's level (Loki's `detected_level` first, then common names). */
const LEVEL_LABELS = ['detected_level', 'level', 'severity', 'lvl', 'loglevel', 'severity_text'];

/** A level word → the level; undefined when it names none. */
export function normalizeLevel(word: string): LogLevel | undefined {
  const w = word.trim().toLowerCase();
  if (/^(err|error|fatal|crit|critical|alert|emerg|emergency|panic|severe|e)$/.test(w))
    return 'error';
  if (/^(warn|warning|w)$/.test(w)) return 'warn';
  if (/^(info|information|notice|informational|i)$/.test(w)) return 'info';
  if (/^(debug|dbug|trace|verbose|d)$/.test(w)) return 'debug';
  return undefined;
}

// `level=error`, `"level":"warn"`, `severity: info` (structured), then a bare upper-case word.
// Sources shared with the histogram's server-side detection (RE2, see levelDetectStages).
const FIELD_KEY = String.raw`\b(?:level|lvl|severity|loglevel)["']?\s*[:=]\s*["']?`;
const WORD_ALTS = 'FATAL|CRITICAL|CRIT|PANIC|ERROR|ERR|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE';
const FIELD = new RegExp(`${FIELD_KEY}([a-z]+)`, 'i');
const WORD = new RegExp(String.raw`\b(${WORD_ALTS})\b`);

/** The labels the histogram query extracts the text's level field and word into. */
export const TEXT_LEVEL_FIELD = 'argus_text_level';
export const TEXT_LEVEL_WORD = 'argus_text_level_word';

/**
 * LogQL `regexp` stages that put the same field and word `levelOf` finds in a line's text into
 * TEXT_LEVEL_FIELD / TEXT_LEVEL_WORD (first match each, as `exec`), for `sum by (…)`.
 */
export function levelDetectStages(): string {
  const field = `(?i)${FIELD_KEY}(?P<${TEXT_LEVEL_FIELD}>[a-z]+)`;
  const word = String.raw`\b(?P<${TEXT_LEVEL_WORD}>${WORD_ALTS})\b`;
  return `| regexp \`${field}\` | regexp \`${word}\``;
}

/** The label names `levelOfLabels` reads (the histogram groups by them). */
export const LEVEL_LABEL_NAMES: readonly string[] = LEVEL_LABELS;

/** The level named by the labels (first recognised of LEVEL_LABELS), undefined when none. */
export function levelOfLabels(labels: Record<string, string>): LogLevel | undefined {
  for (const name of LEVEL_LABELS) {
    const v = labels[name];
    if (v !== undefined) {
      const l = normalizeLevel(v);
      if (l) return l;
    }
  }
  return undefined;
}

/** The level of a line: its labels' level when they have one, else detected in the text. */
export function levelOf(labels: Record<string, string>, line: string): LogLevel {
  const fromLabels = levelOfLabels(labels);
  if (fromLabels) return fromLabels;
  // Only the head of a long line: the level is near the start, and regexes on 100 kB lines cost.
  const head = line.slice(0, 500);
  return textLevel(FIELD.exec(head)?.[1], WORD.exec(head)?.[1]);
}

/** The text's level from its first level field value and first level word: field first. */
export function textLevel(field: string | undefined, word: string | undefined): LogLevel {
  return (
    (field !== undefined ? normalizeLevel(field) : undefined) ??
    (word !== undefined ? normalizeLevel(word) : undefined) ??
    'unknown'
  );
}

/** A piece of a line: plain text or a match of one of the query's literals. */
export interface Segment {
  text: string;
  match: boolean;
}

function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  try {
    return JSON.parse(lit) as string;
  } catch {
    return lit.slice(1, -1);
  }
}

const STRING = String.raw`("(?:[^"\\]|\\.)*"|\x60[^\x60]*\x60)`;
const CONTAINS = new RegExp(
  String.raw`\|=\s*` + STRING + String.raw`((?:\s+or\s+` + STRING + ')*)',
  'g',
);
const OR_STRING = new RegExp(String.raw`or\s+` + STRING, 'g');

/** The literals of the query's `|= "…"` filters (and their `or "…"` alternatives), non-empty. */
export function filterLiterals(query: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(CONTAINS)) {
    out.push(unquote(m[1]!));
    for (const o of (m[2] ?? '').matchAll(OR_STRING)) out.push(unquote(o[1]!));
  }
  return [...new Set(out.filter((s) => s !== ''))];
}

/** Splits a line into plain and matching segments (every occurrence of every literal). */
export function highlightSegments(line: string, literals: readonly string[]): Segment[] {
  if (literals.length === 0 || line === '') return [{ text: line, match: false }];
  const out: Segment[] = [];
  let plainFrom = 0;
  let i = 0;
  while (i < line.length) {
    // The longest literal starting here, so `error` inside `errors` shows as one match.
    let len = 0;
    for (const lit of literals) if (lit.length > len && line.startsWith(lit, i)) len = lit.length;
    if (len === 0) {
      i++;
      continue;
    }
    if (i > plainFrom) out.push({ text: line.slice(plainFrom, i), match: false });
    out.push({ text: line.slice(i, i + len), match: true });
    i += len;
    plainFrom = i;
  }
  if (plainFrom < line.length) out.push({ text: line.slice(plainFrom), match: false });
  return out;
}

// Bidi controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI) and C0/DEL controls: shown, never applied.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The text as it must be displayed: C0 controls and DEL as their Control Pictures (ESC → ␛),
 * bidi controls as `⟨U+202E⟩`, so a line cannot read differently from what it contains.
 * Tabs and newlines (joined multi-line records) stay.
 */
export function visibleText(s: string): string {
  return s.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
  });
}
