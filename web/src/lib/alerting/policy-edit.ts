/**
 * The escalation-policy editor's pure parts: checking a delay as the server will, turning the
 * server's "invalid alertmanager config" lines into errors per field, and the attach list a
 * save sends (only routes whose policy changed). No DOM.
 */

/** A Prometheus-style duration (`15m`, `1h30m`, `0s`); the server parses it the same way. */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Why `s` is not a delay the server takes, or undefined when it is. */
export function delayProblem(s: string): string | undefined {
  const t = s.trim();
  if (t === '') return 'enter a delay such as 15m (0s: at once)';
  if (t === '0') return undefined;
  if (!DURATION.test(t)) return `"${t}" is not a duration: use units like 30s, 15m, 1h30m`;
  return undefined;
}

export interface FieldErrors {
  /** By config path: `escalation_policies[0].levels[1].receiver`, `route.routes[0]`, … */
  byField: Map<string, string[]>;
  /** Lines that name no field the editor shows. */
  other: string[];
}

/**
 * Splits a save error (`invalid alertmanager config:` then one `path: message` per line) by
 * field. A route's `escalation_policy` problem is keyed by the route id; `attach[i].route`
 * by the id the i-th attach named (`attached`).
 */
export function fieldErrors(message: string, attached: readonly string[] = []): FieldErrors {
  const byField = new Map<string, string[]>();
  const other: string[] = [];
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]?.startsWith('invalid alertmanager config:')) {
    const rest = lines[0].slice('invalid alertmanager config:'.length).trim();
    lines.shift();
    if (rest !== '') lines.unshift(rest);
  }
  for (const line of lines) {
    const m = /^(?:line \d+: )?([A-Za-z_][\w.[\]]*): (.+)$/.exec(line);
    if (m === null) {
      other.push(line);
      continue;
    }
    let key = m[1];
    const route = /^(route(?:\.routes\[\d+\])*)\.escalation_policy$/.exec(key);
    if (route) key = route[1];
    const att = /^attach\[(\d+)\]\.route$/.exec(key);
    if (att) key = attached[Number(att[1])] ?? key;
    const policyField =
      /^escalation_policies\[\d+\](?:\.(?:name|repeat|levels(?:\[\d+\](?:\.(?:receiver|delay))?)?))?$/;
    if (!policyField.test(key) && !/^route(\.routes\[\d+\])*$/.test(key)) {
      other.push(line);
      continue;
    }
    byField.set(key, [...(byField.get(key) ?? []), m[2]]);
  }
  return { byField, other };
}

/** The attach list of a save: routes whose own policy differs from what was loaded. */
export function changedAttachments(
  loaded: ReadonlyMap<string, string | null>,
  edited: ReadonlyMap<string, string | null>,
): { route: string; policy: string | null }[] {
  const out: { route: string; policy: string | null }[] = [];
  for (const [route, policy] of edited)
    if ((loaded.get(route) ?? null) !== policy) out.push({ route, policy });
  return out;
}

/** Attachments after renaming a policy (`to`) or removing it (`to` null). */
export function renameInAttachments(
  attach: ReadonlyMap<string, string | null>,
  from: string,
  to: string | null,
): Map<string, string | null> {
  const out = new Map(attach);
  for (const [route, policy] of attach) if (policy === from) out.set(route, to);
  return out;
}
