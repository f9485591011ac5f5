import type {
  AckSigner,
  AckStore,
  AlertHistory,
  AlertmanagerConfig,
  Channel,
  Dispatcher,
  LoadedReceivers,
  SqliteAlertProvider,
  SqliteSilences,
  SqliteTenantConfigs,
  StoredTenantConfig,
} from '../../alerting/index.js';
import type { Alert, TenantId } from '../../model/index.js';

/**
 * What the alerting routes need from the notification pipeline: a subset of the server's
 * `Alerting` (src/server/alerting.ts), so that object is passed as is.
 */
export interface AlertingApiSource {
  /** Stores alerts; durable when it resolves. */
  put(tenant: TenantId, alerts: readonly Alert[]): Promise<void>;
  readonly provider: Pick<SqliteAlertProvider, 'list' | 'get'>;
  readonly silences: Pick<SqliteSilences, 'upsert' | 'expire' | 'get' | 'list'>;
  readonly signer: Pick<AckSigner, 'verifyAckToken'>;
  readonly history: Pick<AlertHistory, 'query' | 'responseTimes'>;
  /** Acknowledgements, read to show them on alerts. */
  readonly acks: Pick<AckStore, 'get'>;
  /** The tenant's dispatcher; undefined until the tenant's first alert. */
  dispatcherFor(
    tenant: TenantId,
  ): Pick<Dispatcher, 'groups' | 'status' | 'ack' | 'unack'> | undefined;
  /** The file (argus.yml) Alertmanager config and each receiver's channels. */
  readonly config: AlertingConfigView;
  /** The config `tenant` uses: its own (set through the API), else the file's. */
  configFor(tenant: TenantId): AlertingConfigView;
  /** Per-tenant configs through the API (absent: those routes answer 404). */
  readonly tenantConfigs?: TenantConfigSource;
}

export interface AlertingConfigView {
  readonly config: AlertmanagerConfig;
  readonly channels: ReadonlyMap<string, readonly Channel[]>;
}

/** What the per-tenant config routes need. */
export interface TenantConfigSource {
  readonly store: Pick<SqliteTenantConfigs, 'get' | 'save' | 'delete' | 'load'>;
  /** argus.yml's config: where it comes from, its YAML (secrets included), parsed. */
  file(): { source: 'file' | 'built-in'; raw: string; config: AlertmanagerConfig };
  /** Applies `tenant`'s saved config at once; `undefined`: back to the file config. */
  applyTenant(
    tenant: TenantId,
    loaded: LoadedReceivers | undefined,
    stored?: StoredTenantConfig,
  ): void;
}
