import { generatePassword, type UserView } from '../src/auth/index.js';
import { COMMON_FLAGS, printJson, readStdinLine, table, when, withAccess } from './access.js';
import { parseFlags, str } from './flags.js';
import { UsageError, USER_USAGE } from './usage.js';

const FLAGS = {
  ...COMMON_FLAGS,
  role: { type: 'string' },
  tenant: { type: 'string' },
  'system-admin': { type: 'boolean' },
  service: { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
} as const;

/** `argus user add|passwd|list|role|delete`. */
export async function userCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('missing subcommand', USER_USAGE);
  const parsed = ['--help', '-h', 'help'].includes(sub)
    ? undefined
    : parseFlags(rest, FLAGS, USER_USAGE);
  if (!parsed) {
    process.stdout.write(USER_USAGE);
    return 0;
  }
  const { values: v, positionals } = parsed;
  const only = (n: number, what: string): string[] => {
    if (positionals.length < n) throw new UsageError(`missing ${what}`, USER_USAGE);
    if (positionals.length > n)
      throw new UsageError(`unexpected argument "${positionals[n]}"`, USER_USAGE);
    return positionals;
  };
  switch (sub) {
    case 'add': {
      const [name] = only(1, 'NAME');
      const password = v['password-stdin'] === true ? await readStdinLine() : undefined;
      return withAccess(v, async ({ admin, actor }) => {
        const r = await admin.createUser(
          {
            username: name,
            password,
            role: str(v.role),
            tenant: str(v.tenant),
            systemAdmin: v['system-admin'] === true,
            service: v.service === true,
          },
          actor,
        );
        const [m] = r.user.roles;
        const what = r.user.kind === 'service' ? 'service account' : 'user';
        const sys = r.user.systemAdmin ? ', system admin' : '';
        process.stdout.write(`created ${what} ${name} (${m.role} in tenant ${m.tenant}${sys})\n`);
        if (r.generatedPassword !== undefined) {
          process.stdout.write(`password (shown only once): ${r.generatedPassword}\n`);
        }
        return 0;
      });
    }
    case 'passwd': {
      const [name] = only(1, 'NAME');
      const given = v['password-stdin'] === true ? await readStdinLine() : undefined;
      const password = given ?? generatePassword();
      return withAccess(v, async ({ admin, actor }) => {
        const revoked = await admin.setPassword(name, password, actor);
        process.stdout.write(
          `changed the password of ${name}; revoked ${revoked} session${revoked === 1 ? '' : 's'}\n`,
        );
        if (given === undefined) process.stdout.write(`password (shown only once): ${password}\n`);
        return 0;
      });
    }
    case 'list': {
      only(0, '');
      return withAccess(v, async ({ admin }) => {
        const users = await admin.listUsers(str(v.tenant));
        if (v.json === true) printJson(users);
        else process.stdout.write(userTable(users));
        return 0;
      });
    }
    case 'role': {
      const [name] = only(1, 'NAME');
      const tenant = str(v.tenant);
      const role = str(v.role);
      if (tenant === undefined) throw new UsageError('missing --tenant', USER_USAGE);
      if (role === undefined) throw new UsageError('missing --role', USER_USAGE);
      return withAccess(v, async ({ admin, actor }) => {
        await admin.setRole(name, tenant, role === 'none' ? null : role, actor);
        process.stdout.write(
          role === 'none'
            ? `removed ${name} from tenant ${tenant}\n`
            : `${name} is now ${role} in tenant ${tenant}\n`,
        );
        return 0;
      });
    }
    case 'delete': {
      const [name] = only(1, 'NAME');
      return withAccess(v, async ({ admin, actor }) => {
        await admin.deleteUser(name, actor);
        process.stdout.write(`deleted user ${name} with their tokens and sessions\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown subcommand "${sub}"`, USER_USAGE);
  }
}

function userTable(users: UserView[]): string {
  return table(
    ['USERNAME', 'KIND', 'ROLES', 'SYSTEM-ADMIN', 'DISABLED', 'CREATED'],
    users.map((u) => [
      u.username,
      u.kind,
      u.roles.map((r) => `${r.tenant}:${r.role}`).join(',') || '-',
      u.systemAdmin ? 'yes' : 'no',
      u.disabled ? 'yes' : 'no',
      when(u.createdAt),
    ]),
  );
}
