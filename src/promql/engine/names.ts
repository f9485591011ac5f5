import { type Labels, METRIC_NAME } from '../../model/index.js';

/**
 * The labels without the metric name — and without `__type__`/`__unit__`, which describe the
 * name (Prometheus's experimental type-and-unit labels go with it).
 */
export function withoutName(l: Labels): Labels {
  if (!l.has(METRIC_NAME) && !l.has('__type__') && !l.has('__unit__')) return l;
  return l.without(METRIC_NAME, '__type__', '__unit__');
}
