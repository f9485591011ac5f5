/** Reads the chart colours from the theme's CSS variables (re-read on `argus-theme`). */
export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  border: string;
  series: string[];
}

export const SERIES_COLORS = 8;

export function readColors(): ChartColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1c2024'),
    muted: v('--muted', '#5f6b76'),
    grid: v('--grid', 'rgba(0,0,0,0.08)'),
    border: v('--border', '#d9dde2'),
    series: Array.from({ length: SERIES_COLORS }, (_, i) => v(`--series-${i}`, '#0072b2')),
  };
}

/** A `#rrggbb` colour with an alpha (for stacked fills). */
export function withAlpha(color: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return color;
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return `${color}${a}`;
}

/** Calls `fn` whenever the theme changes; returns the unsubscribe. */
export function onThemeChange(fn: () => void): () => void {
  window.addEventListener('argus-theme', fn);
  return () => window.removeEventListener('argus-theme', fn);
}
