import { z } from 'zod';
import { describeValue as describe } from './issues.js';

const DURATION_RE =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/**
 * Parses a Prometheus duration (`1y2w3d4h5m6s7ms`, units in that order, each at most once) into
 * milliseconds; `0` is allowed. Returns undefined when `s` is not one.
 */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const m = DURATION_RE.exec(s);
  if (!m || s === '') return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++)
    if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[i];
  return ms;
}

/** Renders milliseconds as a Prometheus duration (largest units first), e.g. `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const names = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let out = '';
  let rest = ms;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const n = Math.floor(rest / UNIT_MS[i]);
    if (n > 0) {
      out += `${n}${names[i]}`;
      rest -= n * UNIT_MS[i];
    }
  }
  return out;
}

const BYTES_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)?$/;
const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};

/** Parses a byte size (`512MiB`, `10GB`, `1024`) into bytes; undefined when not one. */
export function parseBytes(s: string): number | undefined {
  const m = BYTES_RE.exec(s.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * BYTE_UNITS[m[2] ?? 'B']);
}

/**
 * zod type for a duration written as a string (`15d`) → milliseconds. Accepts any YAML value so
 * that a bare number (`15`) gets the same helpful message as a bad string.
 */
export const zDuration = z.unknown().transform((s, ctx) => {
  const ms = s === 0 ? 0 : typeof s === 'string' ? parseDuration(s) : undefined;
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like 30s, 5m, 2h or 15d, got ${describe(s)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** zod type for a byte size written as a number or string (`512MiB`) → bytes. */
export const zBytes = z.unknown().transform((s, ctx) => {
  const b =
    typeof s === 'number'
      ? Number.isSafeInteger(s) && s >= 0
        ? s
        : undefined
      : typeof s === 'string'
        ? parseBytes(s)
        : undefined;
  if (b === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a byte size like 512MiB or 10GB, got ${describe(s)}`,
    });
    return z.NEVER;
  }
  return b;
});
