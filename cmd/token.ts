import { parseDuration } from '../src/config/index.js';
import type { TokenView } from '../src/auth/index.js';
import { COMMON_FLAGS, printJson, table, when, withAccess } from './access.js';
import { parseFlags, str } from './flags.js';
import { TOKEN_USAGE, UsageError } from './usage.js';

const FLAGS = {
  ...COMMON_FLAGS,
  user: { type: 'string' },
  scope: { type: 'string' },
  tenant: { type: 'string' },
  name: { type: 'string' },
  expires: { type: 'string' },
  'cross-tenant': { type: 'boolean' },
  all: { type: 'boolean' },
} as const;

/** `argus token create|revoke|list`. */
export async function tokenCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('missing subcommand', TOKEN_USAGE);
  const parsed = ['--help', '-h', 'help'].includes(sub)
    ? undefined
    : parseFlags(rest, FLAGS, TOKEN_USAGE);
  if (!parsed) {
    process.stdout.write(TOKEN_USAGE);
    return 0;
  }
  const { values: v, positionals } = parsed;
  const expectArgs = (n: number, what: string): string[] => {
    if (positionals.length < n) throw new UsageError(`missing ${what}`, TOKEN_USAGE);
    if (positionals.length > n)
      throw new UsageError(`unexpected argument "${positionals[n]}"`, TOKEN_USAGE);
    return positionals;
  };
  switch (sub) {
    case 'create': {
      expectArgs(0, '');
      const user = str(v.user);
      const scope = str(v.scope);
      if (user === undefined) throw new UsageError('missing --user', TOKEN_USAGE);
      if (scope === undefined) throw new UsageError('missing --scope', TOKEN_USAGE);
      const expires = str(v.expires);
      const expiresInMs = expires === undefined ? undefined : parseDuration(expires);
      if (expires !== undefined && !expiresInMs) {
        throw new UsageError(
          `invalid --expires ${JSON.stringify(expires)}: want a duration like 30d or 12h`,
          TOKEN_USAGE,
        );
      }
      return withAccess(v, async ({ admin, actor }) => {
        const { token, row } = await admin.createToken(
          {
            username: user,
            scope,
            tenant: str(v.tenant),
            name: str(v.name),
            expiresInMs,
            crossTenant: v['cross-tenant'] === true,
          },
          actor,
        );
        // The secret alone on stdout (TOKEN=$(argus token create …)); the rest on stderr.
        process.stdout.write(`${token}\n`);
        process.stderr.write(
          `created token ${row.id} "${row.name}" for ${row.username}: scope ${row.scope} in tenant ${row.tenant}` +
            `${row.crossTenant ? ' (cross-tenant)' : ''}, expires ${when(row.expiresAt)}; ` +
            'the token is shown only this once\n',
        );
        return 0;
      });
    }
    case 'revoke': {
      const [id] = expectArgs(1, 'token ID');
      return withAccess(v, async ({ admin, actor }) => {
        const t = await admin.revokeToken(id, actor);
        process.stdout.write(`revoked token ${t.id} "${t.name}" of ${t.username}\n`);
        return 0;
      });
    }
    case 'list': {
      expectArgs(0, '');
      return withAccess(v, async ({ admin }) => {
        const tokens = await admin.listTokens({
          username: str(v.user),
          tenant: str(v.tenant),
          includeRevoked: v.all === true,
        });
        if (v.json === true) printJson(tokens);
        else process.stdout.write(tokenTable(tokens));
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown subcommand "${sub}"`, TOKEN_USAGE);
  }
}

function tokenTable(tokens: TokenView[]): string {
  return table(
    ['ID', 'NAME', 'USER', 'TENANT', 'SCOPE', 'CREATED', 'EXPIRES', 'LAST-USED', 'REVOKED'],
    tokens.map((t) => [
      t.id,
      t.name,
      t.username,
      t.crossTenant ? `${t.tenant}+` : t.tenant,
      t.scope,
      when(t.createdAt),
      when(t.expiresAt),
      when(t.lastUsedAt),
      when(t.revokedAt),
    ]),
  );
}
