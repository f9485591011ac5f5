import { ConfigError, loadConfigFile } from '../src/config/index.js';
import { argusConfigSchema } from '../src/server/index.js';
import { parseFlags } from './flags.js';
import { CHECK_USAGE, UsageError } from './usage.js';

/** `argus check config FILE`: 0 valid, 1 invalid (problems on stderr), 2 usage. */
export async function checkCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {}, CHECK_USAGE);
  if (!parsed) {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  const [what, file, ...extra] = parsed.positionals;
  if (what !== 'config') {
    throw new UsageError(
      what === undefined ? 'missing what to check' : `unknown check "${what}"`,
      CHECK_USAGE,
    );
  }
  if (file === undefined) throw new UsageError('missing config FILE', CHECK_USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, CHECK_USAGE);
  try {
    await loadConfigFile(file, argusConfigSchema);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.stderr.write(
      `${file}: FAILED (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'})\n`,
    );
    return 1;
  }
  process.stdout.write(`${file}: OK\n`);
  return 0;
}
