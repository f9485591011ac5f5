import { loadKeyring } from '../src/secrets/index.js';
import { COMMON_FLAGS, printJson, table, when, withAccess } from './access.js';
import { parseFlags, str } from './flags.js';
import { AUDIT_USAGE, UsageError } from './usage.js';

const FLAGS = { ...COMMON_FLAGS, limit: { type: 'string' } } as const;

/** `argus audit verify|list`: verify exits 0 when the chain is intact, 1 with where it breaks. */
export async function auditCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('missing subcommand', AUDIT_USAGE);
  const parsed = ['--help', '-h', 'help'].includes(sub)
    ? undefined
    : parseFlags(rest, FLAGS, AUDIT_USAGE);
  if (!parsed) {
    process.stdout.write(AUDIT_USAGE);
    return 0;
  }
  const { values: v, positionals } = parsed;
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}"`, AUDIT_USAGE);
  switch (sub) {
    case 'verify':
      return withAccess(v, async ({ state, dataDir }) => {
        const signer = (await loadKeyring({ dataDir, env: process.env })).auditSigner();
        const r = await state.audit.verify(signer);
        if (v.json === true) printJson(r);
        else if (r.ok) {
          const range = r.entries > 0 ? ` (seq ${r.firstSeq}..${r.lastSeq})` : '';
          process.stdout.write(`audit trail OK: ${r.entries} entries${range}\n`);
        } else {
          process.stdout.write(`audit trail BROKEN at seq ${r.seq ?? '?'}: ${r.reason}\n`);
        }
        return r.ok ? 0 : 1;
      });
    case 'list': {
      const limitText = str(v.limit) ?? '100';
      const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
      if (!(limit >= 1 && limit <= 1000)) {
        throw new UsageError(
          `invalid --limit ${JSON.stringify(limitText)}: want 1-1000`,
          AUDIT_USAGE,
        );
      }
      return withAccess(v, async ({ state }) => {
        const entries = await state.audit.list({ limit });
        if (v.json === true) printJson(entries);
        else
          process.stdout.write(
            table(
              ['SEQ', 'TIME', 'ACTOR', 'TENANT', 'ACTION', 'TARGET'],
              entries.map((e) => [
                String(e.seq),
                when(e.time),
                e.actor,
                e.tenant || '-',
                e.action,
                e.target,
              ]),
            ),
          );
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown subcommand "${sub}"`, AUDIT_USAGE);
  }
}
