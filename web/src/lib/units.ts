/**
 * Value formatting by unit, shared by charts, tables, stat panels and the overview cards.
 * Pure (no DOM), unit-tested in test/web/units.test.ts.
 *
 *   formatValue(1536, 'bytes')        → "1.5 KiB"
 *   formatValue(0.25, 'percentunit')  → "25%"
 *   axisFormatter('seconds')(ticks)   → tick labels with one shared precision
 *
 * Units: 'none' (plain number), 'short' (1.2k, 3.4M), 'bytes' (IEC: KiB, MiB…), 'bytes/s',
 * 'bits/s' (SI: kb/s, Mb/s…), 'seconds' (ns … days), 'percent' (0–100), 'percentunit' (0–1).
 */

export const UNITS = [
  'none',
  'short',
  'bytes',
  'bytes/s',
  'bits/s',
  'seconds',
  'percent',
  'percentunit',
] as const;
export type Unit = (typeof UNITS)[number];

/** Human names for a unit select. */
export const UNIT_LABELS: Record<Unit, string> = {
  none: 'None',
  short: 'Short (1.2k)',
  bytes: 'Bytes (IEC)',
  'bytes/s': 'Bytes/s',
  'bits/s': 'Bits/s',
  seconds: 'Seconds',
  percent: 'Percent (0–100)',
  percentunit: 'Percent (0–1)',
};

export function isUnit(s: string | null | undefined): s is Unit {
  return s != null && (UNITS as readonly string[]).includes(s);
}

/** A number with at most `decimals` decimals, trailing zeros dropped ("1.50" → "1.5"). */
function trim(n: number, decimals: number): string {
  const s = n.toFixed(decimals);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Decimals so that about three significant digits show (12.3, 1.23, 123). */
function autoDecimals(n: number): number {
  const a = Math.abs(n);
  if (a === 0 || a >= 100) return 0;
  if (a >= 10) return 1;
  if (a >= 1) return 2;
  // Small numbers keep three significant digits (0.00123).
  return Math.min(12, 2 - Math.floor(Math.log10(a)));
}

function scaled(v: number, base: number, suffixes: readonly string[], decimals?: number): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${trim(x, decimals ?? autoDecimals(x))}${suffixes[i]}`;
}

const SHORT = ['', 'k', 'M', 'B', 'T', 'P', 'E'] as const;
const IEC = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB', ' EiB'] as const;
const BITS = [' b/s', ' kb/s', ' Mb/s', ' Gb/s', ' Tb/s', ' Pb/s'] as const;
const BYTES_RATE = [' B/s', ' KiB/s', ' MiB/s', ' GiB/s', ' TiB/s', ' PiB/s'] as const;

function duration(v: number, decimals?: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0 s';
  const steps: [number, string][] = [
    [86400, ' days'],
    [3600, ' h'],
    [60, ' min'],
    [1, ' s'],
    [1e-3, ' ms'],
    [1e-6, ' µs'],
    [1e-9, ' ns'],
  ];
  for (const [size, name] of steps) {
    if (a >= size) {
      const x = v / size;
      const n = trim(x, decimals ?? autoDecimals(x));
      return `${n}${name === ' days' && n === '1' ? ' day' : name}`;
    }
  }
  const x = v / 1e-9;
  return `${trim(x, decimals ?? autoDecimals(x))} ns`;
}

/**
 * Formats one value. NaN and ±Inf print as Prometheus does; `decimals` forces a precision
 * (axis ticks share one).
 */
export function formatValue(v: number, unit: Unit = 'none', decimals?: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  switch (unit) {
    case 'none':
      return trim(v, decimals ?? (Math.abs(v) >= 1e15 ? 0 : autoDecimals(v)));
    case 'short':
      return scaled(v, 1000, SHORT, decimals);
    case 'bytes':
      return scaled(v, 1024, IEC, decimals);
    case 'bytes/s':
      return scaled(v, 1024, BYTES_RATE, decimals);
    case 'bits/s':
      return scaled(v, 1000, BITS, decimals);
    case 'seconds':
      return duration(v, decimals);
    case 'percent':
      return `${trim(v, decimals ?? autoDecimals(v))}%`;
    case 'percentunit':
      return `${trim(v * 100, decimals ?? autoDecimals(v * 100))}%`;
  }
}

/** The decimals a tick spacing needs (2.5 → 1, 0.25 → 2, 1000 → 0). */
function decimalsOf(spacing: number): number {
  for (let d = 0; d < 12; d++) {
    const x = spacing * 10 ** d;
    if (Math.abs(x - Math.round(x)) < 1e-6 * Math.max(1, x)) return d;
  }
  return 12;
}

/**
 * Tick labels for an axis: one function per unit, taking uPlot's tick values. Ticks are evenly
 * spaced, so the precision comes from the spacing (0, 0.5, 1 — not 0, 0.5, 1.0000001).
 */
export function axisFormatter(unit: Unit): (ticks: number[]) => string[] {
  return (ticks) => {
    const spacing = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 0;
    const labels = ticks.map((t) => {
      if (unit === 'none' || unit === 'percent') {
        const d = decimalsOf(spacing);
        return unit === 'percent' ? `${trim(t, d)}%` : trim(t, d);
      }
      return formatValue(t, unit);
    });
    return distinctLabels(ticks, unit, labels);
  };
}

/**
 * `axisFormatter`, plus: when close ticks print alike ("71.6%" five times on a nearly flat
 * line), more decimals until each tick reads differently (at most 6).
 */
function distinctLabels(ticks: number[], unit: Unit, labels: string[]): string[] {
  if (new Set(labels).size === labels.length || new Set(ticks).size !== ticks.length) return labels;
  for (let d = 1; d <= 6; d++) {
    const more = ticks.map((t) => formatValue(t, unit, d));
    if (new Set(more).size === more.length) return more;
  }
  return labels;
}
