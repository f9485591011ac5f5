/** Tiny flag parser for bench scripts: `--name value`, `--name=value` and bare `--flag`. */
export class BenchArgsError extends Error {}

export function parseArgs(
  argv: string[],
  known: Record<string, 'string' | 'number' | 'boolean'>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--'))
      throw new BenchArgsError(`cannot parse arguments: unexpected ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const type = known[name];
    if (type === undefined) {
      throw new BenchArgsError(
        `cannot parse arguments: unknown flag --${name} (known: ${Object.keys(known).join(', ')})`,
      );
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (type === 'boolean') value = 'true';
    else if (i + 1 < argv.length) value = argv[++i]!;
    else throw new BenchArgsError(`cannot parse arguments: --${name} needs a value`);
    if (type === 'number' && !Number.isFinite(Number(value))) {
      throw new BenchArgsError(
        `cannot parse arguments: --${name} wants a number, got ${JSON.stringify(value)}`,
      );
    }
    out.set(name, value);
  }
  return out;
}
