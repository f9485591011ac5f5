import {
  COLOR_NAMES,
  GRID_COLUMNS,
  LABEL_VALUES_RE,
  LIMITS,
  UID_RE,
  type PanelType,
} from './schema.js';

/**
 * A best-effort converter from Grafana dashboard JSON (schemaVersion 16+, "graph" era included)
 * to Argus's format. It keeps what maps cleanly — timeseries/graph, stat/singlestat, gauge,
 * bargauge, table, text panels with Prometheus targets; grid positions; units, decimals, min/max,
 * thresholds, stacking; `label_values()` query variables — and names everything it drops in
 * warnings. The result still goes through `parseDashboard`.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strOr = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const cut = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);

const PANEL_TYPE: Record<string, PanelType> = {
  timeseries: 'timeseries',
  graph: 'timeseries',
  stat: 'stat',
  singlestat: 'stat',
  gauge: 'gauge',
  bargauge: 'bargauge',
  table: 'table',
  'table-old': 'table',
  text: 'text',
};

/** Grafana's own exports: a numeric schemaVersion other than ours, or Grafana-only fields. */
export function isGrafanaDashboard(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  if (isObj(v.dashboard) && (isObj(v.meta) || Array.isArray(v.dashboard.panels))) return true;
  return (
    (typeof v.schemaVersion === 'number' && v.schemaVersion !== 1) ||
    isObj(v.templating) ||
    Array.isArray(v.__inputs) ||
    Array.isArray(v.rows)
  );
}

export function fromGrafana(
  input: Obj,
  fallbackUid: () => string,
): { dashboard: Obj; warnings: string[] } {
  const g = isObj(input.dashboard) ? input.dashboard : input;
  const warnings: string[] = [];
  const warn = (w: string) => warnings.push(w);
  const uid = typeof g.uid === 'string' && UID_RE.test(g.uid) ? g.uid : fallbackUid();
  if (typeof g.uid === 'string' && g.uid !== uid)
    warn(`uid ${JSON.stringify(g.uid)} is not a valid Argus uid; using ${uid}`);
  if (Array.isArray(g.rows))
    warn('pre-5.0 "rows" layout is not converted (export it from a newer Grafana)');
  if (
    arr(g.annotations && isObj(g.annotations) ? g.annotations.list : []).some(
      (a) => isObj(a) && a.builtIn !== 1,
    )
  )
    warn('annotations dropped');
  if (arr(g.links).length > 0) warn('dashboard links dropped');
  const time = isObj(g.time)
    ? { from: strOr(g.time.from, 'now-1h'), to: strOr(g.time.to, 'now') }
    : undefined;
  const refresh = typeof g.refresh === 'string' && g.refresh !== '' ? g.refresh : 'off';
  return {
    dashboard: {
      schemaVersion: 1,
      uid,
      title: cut(strOr(g.title, 'Imported dashboard') || 'Imported dashboard', LIMITS.title),
      ...(typeof g.description === 'string' && g.description !== ''
        ? { description: cut(g.description, LIMITS.description) }
        : {}),
      tags: arr(g.tags)
        .filter((t): t is string => typeof t === 'string')
        .slice(0, LIMITS.tags)
        .map((t) => cut(t, LIMITS.tag)),
      ...(time ? { time } : {}),
      refresh,
      variables: variables(g, warn),
      panels: panels(flatten(arr(g.panels), warn), warn),
    },
    warnings,
  };
}

/** Rows are containers in Grafana; collapsed ones hold their panels. Argus has no rows. */
function flatten(list: unknown[], warn: (w: string) => void): Obj[] {
  const out: Obj[] = [];
  for (const p of list) {
    if (!isObj(p)) continue;
    if (p.type === 'row') {
      warn(`row ${JSON.stringify(strOr(p.title, ''))} flattened (Argus has no rows)`);
      out.push(...arr(p.panels).filter(isObj));
    } else out.push(p);
  }
  return out;
}

function variables(g: Obj, warn: (w: string) => void): Obj[] {
  const list = isObj(g.templating) ? arr(g.templating.list) : [];
  const out: Obj[] = [];
  for (const v of list) {
    if (!isObj(v)) continue;
    const name = strOr(v.name, '');
    const query =
      typeof v.query === 'string' ? v.query : isObj(v.query) ? strOr(v.query.query, '') : '';
    if (v.type !== 'query' || !LABEL_VALUES_RE.test(query.trim())) {
      warn(
        `variable ${JSON.stringify(name)} (${strOr(v.type, '?')}) dropped: only label_values() queries are supported`,
      );
      continue;
    }
    const cur = isObj(v.current) ? v.current.value : undefined;
    const current = (Array.isArray(cur) ? cur : cur === undefined ? [] : [cur]).filter(
      (x): x is string => typeof x === 'string',
    );
    if (typeof v.regex === 'string' && v.regex !== '')
      warn(`variable ${JSON.stringify(name)}: regex filter dropped`);
    out.push({
      name,
      ...(typeof v.label === 'string' && v.label !== '' ? { label: v.label } : {}),
      query: query.trim(),
      multi: v.multi === true,
      includeAll: v.includeAll === true,
      current,
    });
  }
  return out;
}

function panels(list: Obj[], warn: (w: string) => void): Obj[] {
  const out: Obj[] = [];
  const ids = new Set<number>();
  let nextId = 1;
  for (const p of list) {
    const title = strOr(p.title, '');
    const label = `panel ${JSON.stringify(title)}`;
    const type = PANEL_TYPE[strOr(p.type, '')];
    if (type === undefined) {
      warn(`${label} dropped: type ${JSON.stringify(p.type)} is not supported`);
      continue;
    }
    if (out.length >= LIMITS.panels) {
      warn(`${label} dropped: more than ${LIMITS.panels} panels`);
      continue;
    }
    let id = num(p.id);
    if (id === undefined || !Number.isInteger(id) || id < 1 || ids.has(id)) {
      while (ids.has(nextId)) nextId++;
      id = nextId;
    }
    ids.add(id);
    const converted: Obj = {
      id,
      type,
      title: cut(title, LIMITS.title),
      gridPos: gridPos(p.gridPos),
    };
    if (typeof p.description === 'string' && p.description !== '')
      converted.description = cut(p.description, LIMITS.description);
    if (type === 'text') converted.text = text(p, label, warn);
    else converted.targets = targets(p, label, warn);
    Object.assign(converted, fieldConfig(p, label, warn));
    if (p.transformations !== undefined && arr(p.transformations).length > 0)
      warn(`${label}: transformations dropped`);
    if (p.alert !== undefined) warn(`${label}: legacy alert dropped`);
    if (typeof p.repeat === 'string' && p.repeat !== '')
      warn(`${label}: repeat by $${p.repeat} dropped`);
    out.push(converted);
  }
  return out;
}

function gridPos(v: unknown): Obj {
  const g = isObj(v) ? v : {};
  const clamp = (x: number | undefined, lo: number, hi: number, d: number) =>
    x === undefined ? d : Math.min(hi, Math.max(lo, Math.round(x)));
  const w = clamp(num(g.w), 1, GRID_COLUMNS, 12);
  const x = clamp(num(g.x), 0, GRID_COLUMNS - w, 0);
  return { x, y: clamp(num(g.y), 0, LIMITS.gridRows, 0), w, h: clamp(num(g.h), 1, 100, 8) };
}

function text(p: Obj, label: string, warn: (w: string) => void): string {
  const o = isObj(p.options) ? p.options : {};
  const content = strOr(o.content, strOr(p.content, ''));
  const mode = strOr(o.mode, strOr(p.mode, 'markdown'));
  if (mode !== 'markdown')
    warn(`${label}: ${mode} content kept as markdown (rendered through the sanitizer)`);
  return cut(content, LIMITS.text);
}

function targets(p: Obj, label: string, warn: (w: string) => void): Obj[] {
  const out: Obj[] = [];
  const refIds = new Set<string>();
  for (const t of arr(p.targets)) {
    if (!isObj(t)) continue;
    if (typeof t.expr !== 'string' || t.expr === '') {
      warn(`${label}: a target without a PromQL expr dropped (not a Prometheus query)`);
      continue;
    }
    if (t.hide === true) {
      warn(`${label}: hidden target ${strOr(t.refId, '')} dropped`);
      continue;
    }
    let refId = typeof t.refId === 'string' && /^[A-Za-z0-9_]{1,16}$/.test(t.refId) ? t.refId : '';
    for (let i = 0; refId === '' || refIds.has(refId); i++) refId = `R${i}`;
    refIds.add(refId);
    const legend = strOr(t.legendFormat, '');
    out.push({
      expr: cut(t.expr, LIMITS.expr),
      refId,
      ...(legend && legend !== '__auto' ? { legend: cut(legend, LIMITS.legend) } : {}),
    });
    if (out.length === LIMITS.targets) break;
  }
  return out;
}

/** Grafana colour names (`dark-red`, `semi-dark-green`…) to the nearest Argus name; hex kept. */
function color(c: unknown): string {
  const s = strOr(c, '').toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(s)) return s;
  if (/^#[0-9a-f]{3}$/.test(s)) return `#${[...s.slice(1)].map((x) => x + x).join('')}`;
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]+\s*)?\)$/.exec(
    s,
  );
  if (rgb)
    return `#${rgb
      .slice(1, 4)
      .map((x) => Math.min(255, Number(x)).toString(16).padStart(2, '0'))
      .join('')}`;
  return COLOR_NAMES.find((n) => s.includes(n)) ?? 'grey';
}

function fieldConfig(p: Obj, label: string, warn: (w: string) => void): Obj {
  const out: Obj = {};
  const fc = isObj(p.fieldConfig) ? p.fieldConfig : {};
  const d = isObj(fc.defaults) ? fc.defaults : {};
  const custom = isObj(d.custom) ? d.custom : {};
  // The "graph" panel kept its unit in yaxes[0].format.
  const legacyUnit = isObj(arr(p.yaxes)[0]) ? (arr(p.yaxes)[0] as Obj).format : undefined;
  const unit = strOr(d.unit, strOr(legacyUnit, ''));
  if (unit !== '' && unit !== 'none' && unit !== 'short') {
    if (/^[A-Za-z0-9_.:/%()-]{1,32}$/.test(unit)) out.unit = unit;
    else warn(`${label}: unit ${JSON.stringify(unit)} dropped`);
  }
  const decimals = num(d.decimals) ?? num(p.decimals);
  if (decimals !== undefined) out.decimals = Math.min(10, Math.max(0, Math.round(decimals)));
  const min = num(d.min);
  const max = num(d.max);
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  const steps = isObj(d.thresholds) ? arr(d.thresholds.steps) : [];
  const thresholds = steps
    .filter(isObj)
    .slice(0, LIMITS.thresholds)
    .map((s) => ({ value: num(s.value) ?? null, color: color(s.color) }));
  if (thresholds.length > 0) out.thresholds = thresholds;
  const stacking = isObj(custom.stacking) ? strOr(custom.stacking.mode, 'none') : 'none';
  const options: Obj = {};
  if (stacking !== 'none' || p.stack === true) options.stacked = true;
  if (stacking === 'percent' || p.percentage === true)
    warn(`${label}: percent stacking converted to plain stacking`);
  const lw = num(custom.lineWidth) ?? num(p.linewidth);
  if (lw !== undefined) options.lineWidth = Math.min(10, Math.max(0, Math.round(lw)));
  const fill = num(custom.fillOpacity);
  if (fill !== undefined) options.fillOpacity = Math.min(100, Math.max(0, Math.round(fill)));
  const o = isObj(p.options) ? p.options : {};
  if (o.graphMode === 'area' || o.graphMode === 'none') options.graphMode = o.graphMode;
  if (o.orientation === 'horizontal' || o.orientation === 'vertical')
    options.orientation = o.orientation;
  const legend = isObj(o.legend) ? o.legend : undefined;
  if (legend !== undefined) {
    if (legend.showLegend === false || legend.displayMode === 'hidden') options.legend = 'hidden';
    else if (legend.placement === 'right') options.legend = 'right';
  }
  if (Object.keys(options).length > 0) out.options = options;
  if (arr(fc.overrides).length > 0) warn(`${label}: field overrides dropped`);
  if (isObj(d.mappings) || arr(d.mappings).length > 0) warn(`${label}: value mappings dropped`);
  return out;
}
