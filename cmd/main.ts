import { errorChain } from '../src/util/index.js';
import { backupCommand } from './backup.js';
import { auditCommand } from './audit.js';
import { checkCommand } from './check.js';
import { testCommand } from './test-rules.js';
import { probeCommand } from './probe.js';
import { queryCommand } from './query.js';
import { serverCommand } from './server.js';
import { tenantCommand } from './tenant.js';
import { tokenCommand } from './token.js';
import { userCommand } from './user.js';
import {
  AUDIT_USAGE,
  BACKUP_USAGE,
  CHECK_USAGE,
  HELP_USAGE,
  MAIN_USAGE,
  PROBE_USAGE,
  QUERY_USAGE,
  SERVER_USAGE,
  TENANT_USAGE,
  TOKEN_USAGE,
  TEST_USAGE,
  UsageError,
  USER_USAGE,
  VERSION_USAGE,
} from './usage.js';
import { versionText } from './version.js';

const USAGES: Record<string, string> = {
  server: SERVER_USAGE,
  check: CHECK_USAGE,
  test: TEST_USAGE,
  probe: PROBE_USAGE,
  backup: BACKUP_USAGE,
  user: USER_USAGE,
  token: TOKEN_USAGE,
  tenant: TENANT_USAGE,
  audit: AUDIT_USAGE,
  query: QUERY_USAGE,
  version: VERSION_USAGE,
  help: HELP_USAGE,
};

function simple(args: string[], usage: string, run: () => void): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`, usage);
  run();
  return 0;
}

async function dispatch(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server':
      return serverCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'test':
      return testCommand(rest);
    case 'probe':
      return probeCommand(rest);
    case 'backup':
      return backupCommand(rest);
    case 'user':
      return userCommand(rest);
    case 'token':
      return tokenCommand(rest);
    case 'tenant':
      return tenantCommand(rest);
    case 'audit':
      return auditCommand(rest);
    case 'query':
      return queryCommand(rest);
    case 'version':
    case '--version':
      return simple(rest, VERSION_USAGE, () => process.stdout.write(versionText()));
    case undefined:
      throw new UsageError('missing command', MAIN_USAGE);
    case 'help':
    case '--help':
    case '-h': {
      const topic = rest.find((a) => !a.startsWith('-'));
      if (topic !== undefined && USAGES[topic] === undefined) {
        throw new UsageError(`unknown command "${topic}"`, MAIN_USAGE);
      }
      process.stdout.write(topic !== undefined ? USAGES[topic] : MAIN_USAGE);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`, MAIN_USAGE);
  }
}

/** Runs the `argus` command line; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`argus: ${err.message}\n\n${err.usage}`);
      return 2;
    }
    process.stderr.write(`argus: ${errorChain(err)}\n`);
    return 1;
  }
}
