import { COMMON_FLAGS, printJson, table, when, withAccess } from './access.js';
import { parseFlags } from './flags.js';
import { TENANT_USAGE, UsageError } from './usage.js';

/** `argus tenant add|list`. */
export async function tenantCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('missing subcommand', TENANT_USAGE);
  const parsed = ['--help', '-h', 'help'].includes(sub)
    ? undefined
    : parseFlags(rest, COMMON_FLAGS, TENANT_USAGE);
  if (!parsed) {
    process.stdout.write(TENANT_USAGE);
    return 0;
  }
  const { values: v, positionals } = parsed;
  switch (sub) {
    case 'add': {
      const [id, extra] = positionals;
      if (id === undefined) throw new UsageError('missing tenant ID', TENANT_USAGE);
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, TENANT_USAGE);
      return withAccess(v, async ({ admin, actor }) => {
        await admin.createTenant(id, actor);
        process.stdout.write(`created tenant ${id}\n`);
        return 0;
      });
    }
    case 'list': {
      if (positionals.length > 0)
        throw new UsageError(`unexpected argument "${positionals[0]}"`, TENANT_USAGE);
      return withAccess(v, async ({ admin }) => {
        const tenants = (await admin.listTenants()).sort((a, b) => (a.id < b.id ? -1 : 1));
        if (v.json === true) printJson(tenants);
        else
          process.stdout.write(
            table(
              ['ID', 'CREATED'],
              tenants.map((t) => [t.id, when(t.createdAt)]),
            ),
          );
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown subcommand "${sub}"`, TENANT_USAGE);
  }
}
