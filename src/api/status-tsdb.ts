import { Matcher, METRIC_NAME, type TenantId } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import { MAX_TIME, MIN_TIME } from './params.js';

interface NameValue {
  name: string;
  value: number;
}

/** `/api/v1/status/tsdb`'s data, as Prometheus shapes it. */
export interface TsdbStatus {
  headStats: {
    numSeries: number;
    numLabelPairs: number;
    chunkCount: number;
    minTime: number;
    maxTime: number;
  };
  seriesCountByMetricName: NameValue[];
  labelValueCountByLabelName: NameValue[];
  memoryInBytesByLabelName: NameValue[];
  seriesCountByLabelValuePair: NameValue[];
}

function top(counts: Map<string, number>, limit: number): NameValue[] {
  return [...counts]
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}

function bump(m: Map<string, number>, k: string, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/**
 * Cardinality statistics of one tenant's series (all of them, not only the head's: the
 * Queryable seam does not tell them apart), top `limit` of each list. Walks every series' labels
 * once; samples are not read: chunkCount and min/maxTime come from the store (StorageInfo), 0 here.
 */
export function tsdbStatus(storage: Queryable, tenant: TenantId, limit: number): TsdbStatus {
  const q = storage.querier(tenant, MIN_TIME, MAX_TIME);
  try {
    const byName = new Map<string, number>();
    const byPair = new Map<string, number>();
    const valueCount = new Map<string, number>();
    const memory = new Map<string, number>();
    let numSeries = 0;
    for (const s of q.select([new Matcher('=~', METRIC_NAME, '.+')], {
      start: MIN_TIME,
      end: MAX_TIME,
    })) {
      numSeries++;
      bump(byName, s.labels.metricName);
      for (let i = 0; i < s.labels.size; i++)
        bump(byPair, `${s.labels.name(i)}=${s.labels.value(i)}`);
    }
    // Distinct values per label name, and the bytes those values take (Prometheus's measure).
    for (const name of q.labelNames()) {
      const values = q.labelValues(name);
      valueCount.set(name, values.length);
      memory.set(
        name,
        values.reduce((n, v) => n + Buffer.byteLength(v), 0),
      );
    }
    return {
      headStats: { numSeries, numLabelPairs: byPair.size, chunkCount: 0, minTime: 0, maxTime: 0 },
      seriesCountByMetricName: top(byName, limit),
      labelValueCountByLabelName: top(valueCount, limit),
      memoryInBytesByLabelName: top(memory, limit),
      seriesCountByLabelValuePair: top(byPair, limit),
    };
  } finally {
    q.close();
  }
}
