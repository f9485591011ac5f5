import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.js';
import {
  RuleGroupConflictError,
  RuleGroupInvalidError,
  RuleGroupNotFoundError,
  type SqliteRuleGroups,
  type StoredRuleGroup,
} from '../rules/index.js';
import type { Logger } from '../util/index.js';
import { parseBody, principalOf } from './access-body.js';
import { P, param } from './access-views.js';
import { ApiError } from './errors.js';
import { jsonRoute, mapErrors } from './respond.js';
import type { RouteTable } from './route-table.js';

/** What the rule-group routes need: the store, and a hook that applies a tenant's change. */
export interface RuleGroupsSource {
  readonly store: SqliteRuleGroups;
  /** Re-applies `tenant`'s rule set after a change (evaluation starts or stops at once). */
  changed(tenant: string): Promise<void>;
  /** Groups from rule files (read-only here): name, file, rule count. */
  provisioned(tenant: string): { name: string; file: string; rules: number }[];
}

const G = `${P}/rule-groups`;
const BODY_LIMIT = 1024 * 1024;

const storedView = z.object({
  name: z.string(),
  file: z.string().describe('`api` for groups managed here; the rule file otherwise'),
  provisioned: z.boolean().describe('From a rule file in argus.yml: read-only here'),
  rules: z.number(),
  interval: z.string().optional(),
  yaml: z.string().optional().describe('The group in rule-file form (managed groups)'),
  version: z.number().optional(),
  updated_by: z.string().optional(),
  updated_at: z.number().optional(),
});

const view = (g: StoredRuleGroup): z.output<typeof storedView> => ({
  name: g.name,
  file: 'api',
  provisioned: false,
  rules: g.spec.rules.length,
  ...(g.spec.intervalMs > 0 ? { interval: `${g.spec.intervalMs / 1000}s` } : {}),
  yaml: g.yaml,
  version: g.version,
  updated_by: g.updatedBy,
  updated_at: g.updatedAt,
});

const saveBody = z.strictObject({
  group: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .describe('One rule group as in a rule file: YAML text, or the same as JSON'),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('The version this edit started from; omit to create'),
});

const mapped = mapErrors([
  [RuleGroupInvalidError, 'bad_data'],
  [RuleGroupNotFoundError, 'not_found'],
  [RuleGroupConflictError, 'conflict'],
]);

/**
 * Rule groups managed through the API (and the UI), per tenant, under
 * /api/argus/v1/rule-groups. Changes are validated like rule files, audited, and applied at once.
 */
export function registerRuleGroupRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: RuleGroupsSource,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: G,
    access: { need: 'read' },
    tag: 'Rules',
    summary: "The tenant's rule groups: managed ones (with their YAML) and provisioned ones",
    response: z.array(storedView),
    handler: jsonRoute(logger, async (req) => {
      const tenant = principalOf(req).tenant;
      const stored = (await source.store.list(tenant)).map(view);
      const files = source.provisioned(tenant).map((g) => ({ ...g, provisioned: true }));
      return { data: [...stored, ...files] };
    }),
  });
  table.add(app, {
    method: 'GET',
    url: `${G}/:name`,
    access: { need: 'read' },
    tag: 'Rules',
    summary: 'One managed rule group with its YAML and version',
    params: z.object({ name: z.string() }),
    response: storedView,
    statuses: { 404: 'No such managed group' },
    handler: jsonRoute(logger, async (req) => {
      const name = param(req, 'name');
      const g = await source.store.get(principalOf(req).tenant, name);
      if (g === undefined)
        throw new ApiError('not_found', `rule group ${JSON.stringify(name)} not found`);
      return { data: view(g) };
    }),
  });
  table.add(app, {
    method: 'PUT',
    url: `${G}/:name`,
    access: { need: 'edit' },
    tag: 'Rules',
    summary:
      'Create (no version) or replace (the version it edited) a rule group; checked like a rule file, applied at once',
    params: z.object({ name: z.string() }),
    body: saveBody,
    response: storedView,
    statuses: {
      404: 'Replacing a group that does not exist',
      409: 'It exists (create) or was saved since `version`',
    },
    options: { bodyLimit: BODY_LIMIT },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        const b = parseBody(saveBody, req.body);
        const g = await source.store.save(
          p.tenant,
          param(req, 'name'),
          b.group,
          actorOf(p),
          b.version,
        );
        await source.changed(p.tenant);
        return { data: view(g) };
      }),
    ),
  });
  table.add(app, {
    method: 'DELETE',
    url: `${G}/:name`,
    access: { need: 'edit' },
    tag: 'Rules',
    summary: 'Delete a managed rule group (its alerts resolve)',
    params: z.object({ name: z.string() }),
    response: z.object({}),
    statuses: { 404: 'No such managed group' },
    handler: jsonRoute(
      logger,
      mapped(async (req) => {
        const p = principalOf(req);
        await source.store.delete(p.tenant, param(req, 'name'), actorOf(p));
        await source.changed(p.tenant);
        return { data: {} };
      }),
    ),
  });
}
