import { z } from 'zod';
import { DashboardValidationError } from './errors.js';

/** Limits of one dashboard (docs/format/dashboard.md); the API's body limit caps the total. */
export const LIMITS = {
  panels: 200,
  variables: 50,
  targets: 26,
  tags: 50,
  thresholds: 20,
  title: 256,
  description: 4096,
  text: 65_536,
  expr: 16_384,
  legend: 512,
  tag: 64,
  gridRows: 10_000,
} as const;

export const GRID_COLUMNS = 24;
export const PANEL_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text'] as const;
export type PanelType = (typeof PANEL_TYPES)[number];
/** Named threshold colours; the UI maps them to theme variables (no free CSS reaches markup). */
export const COLOR_NAMES = ['green', 'yellow', 'orange', 'red', 'blue', 'purple', 'grey'] as const;

/** `[A-Za-z0-9_-]`, 1–40 characters: safe in URLs and file names (Grafana's uid length). */
export const UID_RE = /^[A-Za-z0-9_-]{1,40}$/;
/** `now`, `now-6h`, `now-1d/d`, or an RFC 3339 time. */
const TIME_RE =
  /^(?:now(?:-\d{1,6}[smhdwMy])?(?:\/[smhdwMy])?|\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:\d\d))$/;
const REFRESH_RE = /^(?:off|\d{1,5}(?:ms|s|m|h|d))$/;
/** `label_values(label)` or `label_values(selector, label)`. */
export const LABEL_VALUES_RE =
  /^label_values\(\s*(?:([^]+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)$/;
const VAR_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const REF_ID_RE = /^[A-Za-z0-9_]{1,16}$/;
const UNIT_RE = /^[A-Za-z0-9_.:/%()-]{0,32}$/;

const str = (max: number) => z.string().max(max, { error: `expected at most ${max} characters` });
const int = (min: number, max: number) =>
  z
    .number()
    .int({ error: 'expected an integer' })
    .min(min, { error: `expected at least ${min}` })
    .max(max, { error: `expected at most ${max}` });

const zColor = z
  .string()
  .refine((s) => (COLOR_NAMES as readonly string[]).includes(s) || /^#[0-9a-fA-F]{6}$/.test(s), {
    error: `expected a colour name (${COLOR_NAMES.join(', ')}) or #rrggbb`,
  });

const zVariable = z.strictObject({
  name: z.string().regex(VAR_NAME_RE, { error: 'expected a name like instance or job_1' }),
  label: str(LIMITS.title).optional(),
  query: str(LIMITS.expr).regex(LABEL_VALUES_RE, {
    error: 'expected label_values(label) or label_values(selector, label)',
  }),
  multi: z.boolean().default(false),
  includeAll: z.boolean().default(false),
  /** The selected values; `$__all` means All. */
  current: z.array(str(LIMITS.legend)).max(1000).default([]),
});

const zTarget = z.strictObject({
  expr: str(LIMITS.expr),
  legend: str(LIMITS.legend).optional(),
  refId: z.string().regex(REF_ID_RE, { error: 'expected 1-16 letters, digits or _' }),
});

const zGridPos = z
  .strictObject({
    x: int(0, GRID_COLUMNS - 1),
    y: int(0, LIMITS.gridRows),
    w: int(1, GRID_COLUMNS),
    h: int(1, 100),
  })
  .refine((g) => g.w > GRID_COLUMNS || g.x + g.w <= GRID_COLUMNS, {
    error: `x + w must be at most ${GRID_COLUMNS} (the grid has ${GRID_COLUMNS} columns)`,
    path: ['w'],
  });

const zOptions = z.strictObject({
  stacked: z.boolean().optional(),
  legend: z.enum(['bottom', 'right', 'hidden']).optional(),
  lineWidth: int(0, 10).optional(),
  fillOpacity: int(0, 100).optional(),
  /** stat: sparkline or not. */
  graphMode: z.enum(['area', 'none']).optional(),
  /** bargauge. */
  orientation: z.enum(['horizontal', 'vertical']).optional(),
  /** table: one row per series with its last value, or every sample. */
  tableMode: z.enum(['instant', 'range']).optional(),
});

const zPanel = z
  .strictObject({
    id: int(1, 1_000_000_000),
    type: z.enum(PANEL_TYPES, { error: `expected one of ${PANEL_TYPES.join(', ')}` }),
    title: str(LIMITS.title),
    description: str(LIMITS.description).optional(),
    gridPos: zGridPos,
    targets: z.array(zTarget).max(LIMITS.targets).default([]),
    unit: z
      .string()
      .regex(UNIT_RE, { error: 'expected a unit id like bytes, percent or s' })
      .optional(),
    decimals: int(0, 10).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    thresholds: z
      .array(z.strictObject({ value: z.number().nullable(), color: zColor }))
      .max(LIMITS.thresholds)
      .optional(),
    options: zOptions.optional(),
    /** Markdown of a text panel (rendered through marked + DOMPurify by the UI). */
    text: str(LIMITS.text).optional(),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.targets.forEach((t, i) => {
      if (seen.has(t.refId))
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'refId'],
          message: `duplicate refId ${JSON.stringify(t.refId)}`,
        });
      seen.add(t.refId);
    });
  });

/** A dashboard, format schemaVersion 1 (docs/format/dashboard.md). */
export const dashboardSchema = z
  .strictObject({
    schemaVersion: z.literal(1, { error: 'expected 1 (the only format version)' }),
    uid: z.string().regex(UID_RE, { error: 'expected 1-40 letters, digits, _ or -' }),
    title: str(LIMITS.title).min(1, { error: 'expected a title' }),
    description: str(LIMITS.description).optional(),
    tags: z.array(str(LIMITS.tag)).max(LIMITS.tags).default([]),
    time: z
      .strictObject({
        from: z
          .string()
          .regex(TIME_RE, { error: 'expected now, now-6h, now-1d/d or an RFC 3339 time' }),
        to: z
          .string()
          .regex(TIME_RE, { error: 'expected now, now-6h, now-1d/d or an RFC 3339 time' }),
      })
      .default({ from: 'now-1h', to: 'now' }),
    refresh: z
      .string()
      .regex(REFRESH_RE, { error: 'expected off or a duration like 15s or 1m' })
      .default('off'),
    variables: z.array(zVariable).max(LIMITS.variables).default([]),
    panels: z
      .array(zPanel)
      .max(LIMITS.panels, { error: `expected at most ${LIMITS.panels} panels` })
      .default([]),
  })
  .superRefine((d, ctx) => {
    const ids = new Set<number>();
    d.panels.forEach((p, i) => {
      if (ids.has(p.id))
        ctx.addIssue({
          code: 'custom',
          path: ['panels', i, 'id'],
          message: `duplicate panel id ${p.id}`,
        });
      ids.add(p.id);
    });
    const names = new Set<string>();
    d.variables.forEach((v, i) => {
      if (names.has(v.name))
        ctx.addIssue({
          code: 'custom',
          path: ['variables', i, 'name'],
          message: `duplicate variable ${JSON.stringify(v.name)}`,
        });
      names.add(v.name);
    });
  });

export type Dashboard = z.output<typeof dashboardSchema>;
export type Panel = Dashboard['panels'][number];
export type Variable = Dashboard['variables'][number];

/** `panels[2].gridPos.w` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path)
    out += typeof k === 'number' ? `[${k}]` : `${out === '' ? '' : '.'}${String(k)}`;
  return out === '' ? '(dashboard)' : out;
}

/** Validates a dashboard JSON value (defaults applied); throws DashboardValidationError. */
export function parseDashboard(value: unknown): Dashboard {
  const r = dashboardSchema.safeParse(value);
  if (r.success) return r.data;
  throw new DashboardValidationError(
    r.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys')
        return `${formatPath(i.path)}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      return `${formatPath(i.path)}: ${i.message}`;
    }),
  );
}
