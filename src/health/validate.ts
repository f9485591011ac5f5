/**
 * Checks a tenant's set of services as a whole: references resolve and dependencies form a DAG.
 * One problem per line, in a deterministic order (services sorted by name, then cycles).
 */
import type { ServiceDefinition } from './types.js';

/** Service-level fields validateServices reads (parsed definitions satisfy it). */
export type ServiceRefs = Pick<ServiceDefinition, 'name' | 'checks' | 'depends_on'>;

/**
 * Every problem of `defs` as a whole: unknown checks, unknown or self dependencies, duplicate
 * names and dependency cycles (`services: dependency cycle: api → db → cache → api`, each cycle
 * once, starting at its smallest name). Empty when the set is valid.
 */
export function validateServices(
  defs: readonly ServiceRefs[],
  checkNames: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const byName = new Map<string, ServiceRefs>();
  const dups = new Set<string>();
  for (const d of defs) {
    if (byName.has(d.name)) dups.add(d.name);
    else byName.set(d.name, d);
  }
  for (const n of [...dups].sort()) problems.push(`services: duplicate service name "${n}"`);
  const names = [...byName.keys()].sort();
  for (const n of names) {
    const d = byName.get(n)!;
    for (const c of d.checks)
      if (!checkNames.has(c)) problems.push(`services.${n}.checks: unknown check "${c}"`);
    for (const dep of d.depends_on) {
      if (dep === n) problems.push(`services.${n}.depends_on: a service cannot depend on itself`);
      else if (!byName.has(dep))
        problems.push(`services.${n}.depends_on: unknown service "${dep}"`);
    }
  }
  for (const cycle of findCycles(byName, names))
    problems.push(`services: dependency cycle: ${cycle.join(' → ')}`);
  return problems;
}

/**
 * Cycles found by a depth-first search in name order (one per back edge, self-loops excluded:
 * they are reported on their own), each rotated to start at its smallest name and closed.
 */
function findCycles(byName: ReadonlyMap<string, ServiceRefs>, names: readonly string[]) {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<string, number>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const out: string[][] = [];
  const visit = (n: string): void => {
    color.set(n, GREY);
    stack.push(n);
    const deps = [...new Set(byName.get(n)!.depends_on)].sort();
    for (const d of deps) {
      if (d === n || !byName.has(d)) continue;
      const c = color.get(d) ?? WHITE;
      if (c === WHITE) visit(d);
      else if (c === GREY) {
        const cyc = stack.slice(stack.indexOf(d));
        const min = cyc.indexOf([...cyc].sort()[0]);
        const rotated = [...cyc.slice(min), ...cyc.slice(0, min)];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          out.push([...rotated, rotated[0]]);
        }
      }
    }
    stack.pop();
    color.set(n, BLACK);
  };
  for (const n of names) if ((color.get(n) ?? WHITE) === WHITE) visit(n);
  return out;
}
