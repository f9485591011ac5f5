import { ArgusError } from '../util/index.js';

/** Base class of every error the dashboards module throws. */
export class DashboardError extends ArgusError {}

/** A dashboard JSON that breaks the format: `problems` name the path (`panels[2].gridPos.w: …`). */
export class DashboardValidationError extends DashboardError {
  constructor(readonly problems: string[]) {
    super(
      `invalid dashboard: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`,
    );
  }
}

/** No dashboard (or version) with that uid in the tenant. */
export class DashboardNotFoundError extends DashboardError {}

/** The uid is taken, or the caller's `version` is not the stored one (someone saved in between). */
export class DashboardConflictError extends DashboardError {}

/** A provisioned dashboard: changed only by editing its file. */
export class DashboardReadOnlyError extends DashboardError {
  constructor(
    readonly uid: string,
    readonly file: string,
    verb: string,
  ) {
    super(
      `cannot ${verb} dashboard ${JSON.stringify(uid)}: provisioned dashboards are read-only: edit ${file}`,
    );
  }
}
