import { MemStore } from '../src/storage/index.js';
import { runRuleUnitTests } from '../src/rules/index.js';
import { parseFlags } from './flags.js';
import { TEST_USAGE, UsageError } from './usage.js';

/** `argus test rules FILE…` (promtool test rules): 0 all pass, 1 any failure, 2 usage. */
export async function testCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {}, TEST_USAGE);
  if (!parsed) {
    process.stdout.write(TEST_USAGE);
    return 0;
  }
  const [what, ...files] = parsed.positionals;
  if (what !== 'rules')
    throw new UsageError(
      what === undefined ? 'missing what to test' : `unknown test "${what}"`,
      TEST_USAGE,
    );
  if (files.length === 0) throw new UsageError('missing test FILE', TEST_USAGE);
  const r = await runRuleUnitTests(files, { newStore: () => new MemStore() });
  (r.ok ? process.stdout : process.stderr).write(r.report);
  return r.ok ? 0 : 1;
}
