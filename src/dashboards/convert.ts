import { fromGrafana, isGrafanaDashboard } from './grafana.js';
import { parseDashboard, UID_RE, type Dashboard } from './schema.js';

/** A dashboard read from a file or an import body, in Argus's format. */
export interface ConvertedDashboard {
  dashboard: Dashboard;
  /** What a conversion dropped or changed (empty for Argus's own format). */
  warnings: string[];
  /** `grafana` when the input was a Grafana dashboard JSON. */
  convertedFrom: 'grafana' | null;
}

/**
 * Reads an Argus (schemaVersion 1) or Grafana dashboard JSON value; a Grafana API export's
 * `{dashboard, meta}` wrapper is unwrapped. `fallbackUid` fills a missing uid.
 * Throws DashboardValidationError.
 */
export function toArgusDashboard(value: unknown, fallbackUid: () => string): ConvertedDashboard {
  if (isGrafanaDashboard(value)) {
    const { dashboard, warnings } = fromGrafana(value, fallbackUid);
    return { dashboard: parseDashboard(dashboard), warnings, convertedFrom: 'grafana' };
  }
  const obj =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const withUid =
    obj !== undefined && obj.uid === undefined ? { ...obj, uid: fallbackUid() } : value;
  return { dashboard: parseDashboard(withUid), warnings: [], convertedFrom: null };
}

/** A uid from free text (a file name): the allowed characters, at most 40, never empty. */
export function uidFrom(text: string): string {
  const s = text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return UID_RE.test(s) ? s : 'dashboard';
}
