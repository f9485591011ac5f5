import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` with `--help` built in and its errors turned into UsageError (exit 2).
 * Returns undefined when help was asked for (the caller prints usage and exits 0).
 */
export function parseFlags<O extends Options>(
  args: string[],
  options: O,
  usage: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(msg);
    throw new UsageError(
      unknown
        ? `unknown flag ${unknown[1]}`
        : ambiguous
          ? `flag ${ambiguous[1]} needs a value (write one that starts with "-" as ${ambiguous[1]}=VALUE)`
          : msg.split('\n')[0],
      usage,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return undefined;
  return { values, positionals: parsed.positionals };
}

/** A string flag's value (parseArgs guarantees the type for `type: 'string'` options). */
export function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
