import type { Problems } from './problems.js';
import type { RawAlertmanagerConfig, RawRoute } from './schema.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkGroupBy(r: RawRoute, path: (string | number)[], p: Problems): void {
  if (!r.group_by) return;
  const seen = new Set<string>();
  for (const l of r.group_by) {
    if (l === '...') {
      if (r.group_by.length > 1)
        p.add(
          [...path, 'group_by'],
          'cannot have wildcard group_by (`...`) and other other labels at the same time',
        );
      continue;
    }
    if (!LABEL_NAME.test(l))
      p.add([...path, 'group_by'], `invalid label name ${JSON.stringify(l)} in group_by list`);
    if (seen.has(l))
      p.add([...path, 'group_by'], `duplicated label ${JSON.stringify(l)} in group_by`);
    seen.add(l);
  }
}

interface Names {
  receivers: Set<string>;
  intervals: Set<string>;
  policies: Set<string>;
}

function checkRoute(r: RawRoute, path: (string | number)[], n: Names, p: Problems): void {
  checkGroupBy(r, path, p);
  if (r.group_interval === 0) p.add([...path, 'group_interval'], 'group_interval cannot be zero');
  if (r.repeat_interval === 0)
    p.add([...path, 'repeat_interval'], 'repeat_interval cannot be zero');
  if (r.receiver !== undefined && r.receiver !== '' && !n.receivers.has(r.receiver))
    p.add([...path, 'receiver'], `undefined receiver ${JSON.stringify(r.receiver)} used in route`);
  if (r.fallback_receiver !== undefined && !n.receivers.has(r.fallback_receiver))
    p.add(
      [...path, 'fallback_receiver'],
      `undefined receiver ${JSON.stringify(r.fallback_receiver)} used in route`,
    );
  if (r.escalation_policy !== undefined && !n.policies.has(r.escalation_policy))
    p.add(
      [...path, 'escalation_policy'],
      `undefined escalation policy ${JSON.stringify(r.escalation_policy)} used in route`,
    );
  for (const key of ['mute_time_intervals', 'active_time_intervals'] as const)
    for (const name of r[key] ?? [])
      if (!n.intervals.has(name))
        p.add([...path, key], `undefined time interval ${JSON.stringify(name)} used in route`);
  (r.routes ?? []).forEach((c, i) => checkRoute(c, [...path, 'routes', i], n, p));
}

/** Cross-references: the root route's rules, names that must exist, unique interval names. */
export function validateStructure(c: RawAlertmanagerConfig, p: Problems): void {
  const intervals = new Set<string>();
  for (const [key, what] of [
    ['mute_time_intervals', 'mute time interval'],
    ['time_intervals', 'time interval'],
  ] as const)
    c[key].forEach((ti, i) => {
      if (ti.name === '') p.add([key, i, 'name'], `missing name in ${what}`);
      else if (intervals.has(ti.name))
        p.add([key, i, 'name'], `${what} ${JSON.stringify(ti.name)} is not unique`);
      intervals.add(ti.name);
    });

  const receivers = new Set(c.receivers.map((r) => r.name));
  const policies = new Set<string>();
  c.escalation_policies.forEach((ep, i) => {
    const path = ['escalation_policies', i];
    if (ep.name === '') p.add([...path, 'name'], 'missing name in escalation policy');
    else if (policies.has(ep.name))
      p.add([...path, 'name'], `escalation policy ${JSON.stringify(ep.name)} is not unique`);
    policies.add(ep.name);
    ep.levels.forEach((l, j) => {
      if (!receivers.has(l.receiver))
        p.add(
          [...path, 'levels', j, 'receiver'],
          `undefined receiver ${JSON.stringify(l.receiver)} used in escalation policy ${JSON.stringify(ep.name)}`,
        );
    });
  });

  const r = c.route;
  if (r === undefined) {
    p.add(['route'], 'no routes provided');
    return;
  }
  if (r.receiver === undefined || r.receiver === '')
    p.add(['route', 'receiver'], 'root route must specify a default receiver');
  if ((r.match?.length ?? 0) > 0 || (r.match_re?.length ?? 0) > 0 || (r.matchers?.length ?? 0) > 0)
    p.add(['route'], 'root route must not have any matchers');
  if ((r.mute_time_intervals?.length ?? 0) > 0)
    p.add(['route'], 'root route must not have any mute time intervals');
  if ((r.active_time_intervals?.length ?? 0) > 0)
    p.add(['route'], 'root route must not have any active time intervals');
  checkRoute(r, ['route'], { receivers, intervals, policies }, p);

  c.inhibit_rules.forEach((ir, i) => {
    for (const l of ir.equal ?? [])
      if (!LABEL_NAME.test(l))
        p.add(
          ['inhibit_rules', i, 'equal'],
          `invalid label name ${JSON.stringify(l)} in equal list`,
        );
  });
}
