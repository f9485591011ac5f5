import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import {
  CHECK_KINDS,
  CheckDefinitionError,
  probeOnce,
  type ProbeResult,
} from '../src/checks/index.js';
import { OutboundGuard } from '../src/net/index.js';
import { errorChain } from '../src/util/index.js';
import { parseFlags } from './flags.js';
import { PROBE_USAGE, UsageError } from './usage.js';

/** `argus probe FILE`: 0 every probe succeeded, 1 one failed, 2 usage or invalid definition. */
export async function probeCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    { name: { type: 'string' }, json: { type: 'boolean' }, guard: { type: 'boolean' } },
    PROBE_USAGE,
  );
  if (!parsed) {
    process.stdout.write(PROBE_USAGE);
    return 0;
  }
  const [file, extra] = parsed.positionals;
  if (file === undefined) throw new UsageError('missing FILE', PROBE_USAGE);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, PROBE_USAGE);
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    process.stderr.write(`${file}: ${errorChain(err)}\n`);
    return 2;
  }
  let checks = Array.isArray(doc)
    ? (doc as unknown[])
    : isMapping(doc) && Array.isArray(doc.checks)
      ? (doc.checks as unknown[])
      : [doc];
  const name = parsed.values.name;
  if (typeof name === 'string') {
    checks = checks.filter((c) => isMapping(c) && c.name === name);
    if (checks.length === 0) {
      process.stderr.write(`${file}: no check named ${JSON.stringify(name)}\n`);
      return 2;
    }
  }
  // Config checks are trusted (the operator wrote them); --guard tries the API's rules.
  const guard =
    parsed.values.guard === true ? new OutboundGuard() : new OutboundGuard().asTrusted();
  let code = 0;
  const out: unknown[] = [];
  for (const [i, input] of checks.entries()) {
    const { tenant: _tenant, ...def } = isMapping(input) ? input : { input };
    if (isMapping(input) && input.kind === 'promql') {
      const label = typeof input.name === 'string' ? input.name : `#${i + 1}`;
      process.stderr.write(
        `${file}: check ${label}: promql checks query a running server's data; try it there (the UI's Test button, or POST /api/argus/v1/checks/try)\n`,
      );
      code = 2;
      continue;
    }
    try {
      const r = await probeOnce(isMapping(input) ? def : input, CHECK_KINDS, { guard });
      if (!r.result.success) code = Math.max(code, 1);
      if (parsed.values.json === true) {
        out.push({
          name: r.definition.name,
          kind: r.definition.kind,
          target: r.target,
          ...r.result,
        });
      } else {
        process.stdout.write(render(r.definition.name, r.definition.kind, r.target, r.result));
      }
    } catch (err) {
      if (!(err instanceof CheckDefinitionError)) throw err;
      const label = isMapping(input) && typeof input.name === 'string' ? input.name : `#${i + 1}`;
      for (const p of err.problems) process.stderr.write(`${file}: check ${label}: ${p}\n`);
      code = 2;
    }
  }
  if (parsed.values.json === true) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return code;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function render(name: string, kind: string, target: string, r: ProbeResult): string {
  const ms = (r.durationSeconds * 1000).toFixed(r.durationSeconds < 0.01 ? 2 : 0);
  const lines = [
    `${name} (${kind} ${target}): ${r.success ? 'UP' : 'DOWN'} in ${ms} ms`,
    ...(r.error !== undefined ? [`  error: ${r.error}`] : []),
    ...Object.entries(r.detail ?? {}).map(([k, v]) => `  ${k}: ${String(v)}`),
    `  probe_success ${r.success ? 1 : 0}`,
    `  probe_duration_seconds ${num(r.durationSeconds)}`,
    ...r.metrics.map((m) => {
      const labels = Object.entries(m.labels ?? {})
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      return `  ${m.name}${labels ? `{${labels}}` : ''} ${num(m.value)}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** Nine significant digits: no floating-point noise (0.0016440730000000486). */
function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)));
}
