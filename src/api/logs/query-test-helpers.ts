/** Shared by the Loki query API tests: an API over a MemLogStore and the real LogQL engine. */
import { LogqlEngine } from '../../logql/index.js';
import { Labels, tenantId } from '../../model/index.js';
import { MemLogStore } from '../../storage/index.js';
import { testApi, type TestApi } from '../testing.js';
import { DEFAULT_LOGS_API_OPTIONS, type LogsApiOptions } from './source.js';

export interface LogsTestApi {
  api: TestApi;
  store: MemLogStore;
  /** Appends and commits `[ts ns, line]` entries of one stream for `tenant`. */
  push(labels: Record<string, string>, entries: [bigint, string][], tenant?: string): Promise<void>;
}

export async function logsTestApi(
  opts: Parameters<typeof testApi>[0] & { logsOptions?: Partial<LogsApiOptions> } = {},
): Promise<LogsTestApi> {
  const store = new MemLogStore();
  const options = { ...DEFAULT_LOGS_API_OPTIONS, ...opts.logsOptions };
  const engine = new LogqlEngine({
    queryable: store,
    tailable: store,
    maxEntriesLimit: options.maxEntriesLimit,
  });
  const api = await testApi({
    ...opts,
    logs: { appendable: store, queryable: store, tailable: store, engine, options: () => options },
  });
  return {
    api,
    store,
    async push(labels, entries, tenant = 'default') {
      const app = store.logAppender(tenantId(tenant));
      app.append(
        Labels.fromObject(labels),
        entries.map(([ts, line]) => ({ ts, line })),
      );
      await app.commit();
    },
  };
}
