/**
 * @module chart — uPlot charts for the UI: `TimeSeriesChart` (Prometheus matrices, legend,
 * stacking, units, touch) and `Sparkline` (cards). Pure data helpers in `aligned.ts`.
 */
export { TimeSeriesChart, colorClass, type TimeSeriesChartProps } from './time-series-chart.js';
export { Sparkline, type SparklineProps } from './sparkline.js';
export { alignSeries, stack, type Aligned, type ChartSeries } from './aligned.js';
export { readColors, onThemeChange, type ChartColors } from './theme-colors.js';
