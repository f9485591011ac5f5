import type {
  AckSigner,
  AckStore,
  AlertHistory,
  AlertmanagerConfig,
  Channel,
  Dispatcher,
  SqliteAlertProvider,
  SqliteSilences,
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
  /** The Alertmanager config in force and each receiver's channels. */
  readonly config: {
    readonly config: AlertmanagerConfig;
    readonly channels: ReadonlyMap<string, readonly Channel[]>;
  };
}
