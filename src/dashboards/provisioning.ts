import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorChain, type Logger } from '../util/index.js';
import { toArgusDashboard, uidFrom } from './convert.js';
import type { DashboardStore } from './store.js';

/** Files larger than this are refused (the API's body limit). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface ProvisionProblem {
  file: string;
  error: string;
}

export interface ProvisionReport {
  /** Dashboards now provisioned, by file. */
  loaded: {
    file: string;
    tenant: string;
    uid: string;
    result: 'created' | 'updated' | 'unchanged';
  }[];
  /** Files that could not be loaded (each keeps its previous version, if any). */
  problems: ProvisionProblem[];
  /** Conversion warnings of Grafana files. */
  warnings: ProvisionProblem[];
  /** Provisioned dashboards whose file is gone, deleted. */
  removed: { tenant: string; uid: string; file: string }[];
}

export interface ProvisionOptions {
  store: DashboardStore;
  /** The provisioning directory; undefined: none (every provisioned dashboard is removed). */
  dir: string | undefined;
  logger: Logger;
  /** Tenant of the root's files. */
  defaultTenant?: string;
}

/** `*.json` in the root (default tenant) and in `<tenant>/` subfolders, sorted. */
async function findFiles(
  dir: string,
  defaultTenant: string,
): Promise<{ file: string; tenant: string }[]> {
  const out: { file: string; tenant: string }[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith('.json')) out.push({ file: full, tenant: defaultTenant });
    else if (e.isDirectory() && !e.name.startsWith('.')) {
      for (const f of (await readdir(full, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      ))
        if (f.isFile() && f.name.endsWith('.json'))
          out.push({ file: path.join(full, f.name), tenant: e.name });
    }
  }
  return out;
}

async function readJson(file: string): Promise<unknown> {
  const size = (await stat(file)).size;
  if (size > MAX_FILE_BYTES) throw new Error(`file of ${size} bytes exceeds ${MAX_FILE_BYTES}`);
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
}

/**
 * Loads every dashboard file into the store as read-only dashboards (at start and on reload). A
 * bad file is reported with its path and error and the others still load; a file that broke
 * keeps its last good version. Provisioned dashboards whose file is gone are deleted.
 */
export async function provisionDashboards(opts: ProvisionOptions): Promise<ProvisionReport> {
  const { store, dir, logger } = opts;
  const report: ProvisionReport = { loaded: [], problems: [], warnings: [], removed: [] };
  let files: { file: string; tenant: string }[] = [];
  if (dir !== undefined) {
    try {
      files = await findFiles(dir, opts.defaultTenant ?? 'default');
    } catch (err) {
      report.problems.push({
        file: dir,
        error: `cannot read dashboards provisioning_dir: ${errorChain(err)}`,
      });
    }
  }
  const seen = new Set<string>();
  for (const { file, tenant } of files) {
    seen.add(file);
    try {
      const c = toArgusDashboard(await readJson(file), () => uidFrom(path.basename(file, '.json')));
      for (const w of c.warnings) report.warnings.push({ file, error: w });
      const result = await store.provision(tenant, c.dashboard, file);
      report.loaded.push({ file, tenant, uid: c.dashboard.uid, result });
    } catch (err) {
      report.problems.push({ file, error: errorChain(err) });
    }
  }
  // A dir that cannot be read removes nothing: a transient error must not delete dashboards.
  if (report.problems.some((p) => p.file === dir)) return log(report, logger);
  for (const p of await store.provisioned()) {
    if (seen.has(p.file)) continue;
    await store.unprovision(p.tenant, p.uid);
    report.removed.push(p);
  }
  return log(report, logger);
}

function log(r: ProvisionReport, logger: Logger): ProvisionReport {
  for (const p of r.problems)
    logger.error({ file: p.file, err: p.error }, 'cannot provision dashboard');
  for (const w of r.warnings)
    logger.warn(
      { file: w.file, warning: w.error },
      'provisioned Grafana dashboard converted with changes',
    );
  const changed = r.loaded.filter((l) => l.result !== 'unchanged').length;
  if (changed > 0 || r.removed.length > 0)
    logger.info(
      { loaded: r.loaded.length, changed, removed: r.removed.length },
      'dashboards provisioned',
    );
  return r;
}
