import { ArgusError } from '../../util/index.js';

/** A posted alert is malformed; the message is Alertmanager's (the API answers 400 with it). */
export class AlertValidationError extends ArgusError {}

/** A put would hold more alerts for a tenant than its limit; nothing of the put was stored. */
export class AlertLimitError extends ArgusError {
  constructor(
    readonly tenant: string,
    readonly limit: number,
    readonly wanted: number,
  ) {
    super(
      `cannot store alerts for tenant ${JSON.stringify(tenant)}: ${wanted} alerts would exceed the limit of ${limit} per tenant (resolve or let old alerts expire first)`,
    );
  }
}
