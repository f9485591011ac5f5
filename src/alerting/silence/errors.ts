import { ArgusError } from '../../util/index.js';

/** A silence is malformed; the message is Alertmanager's (the API answers 400 with it). */
export class SilenceValidationError extends ArgusError {}

/** No silence with that id in that tenant (Alertmanager's `ErrNotFound`, 404). */
export class SilenceNotFoundError extends ArgusError {
  constructor(
    readonly id: string,
    verb: string,
  ) {
    super(`cannot ${verb} silence ${JSON.stringify(id)}: silence not found`);
  }
}

/** Creating the silence would exceed the tenant's limit (Alertmanager's `max_silences`). */
export class SilenceLimitError extends ArgusError {
  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`cannot create silence: exceeded maximum number of silences: ${count} (limit: ${limit})`);
  }
}
