/** A command-line mistake: printed with the relevant usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export const MAIN_USAGE = `Usage: argus <command> [flags]

Argus: an all-in-one monitoring platform in one process.

Commands:
  server              run the Argus server
  check config FILE   validate a config file without starting anything (dry run)
  check rules FILE... validate Prometheus rule files (as promtool check rules)
  test rules FILE...  run rule unit tests (promtool's test format)
  probe FILE          run a health-check definition once and print the result
  backup --data-dir D OUT
                      write a consistent copy of the TSDB to the directory OUT
  user add|passwd|list|role|delete
                      manage users and their roles per tenant
  token create|revoke|list
                      manage API tokens
  tenant add|list     manage tenants
  audit verify|list   check the audit trail's hash chain, show recent entries
  query EXPR          run a PromQL query against a running server and print the result
  version             print the Argus and Node.js versions
  help [COMMAND]      show help (also: argus COMMAND --help)
`;

export const SERVER_USAGE = `Usage: argus server [flags]

Runs the Argus server. Settings come from flags, then ARGUS_* environment variables, then the
config file, then built-in defaults.

Flags:
  --config FILE             config file (env ARGUS_CONFIG; default ./argus.yml if present,
                            else built-in defaults)
  --data-dir DIR            data directory (env ARGUS_DATA_DIR; default ./data)
  --listen HOST:PORT        HTTP listen address (env ARGUS_LISTEN; default :9470)
  --web.external-url URL    URL users reach Argus at (env ARGUS_EXTERNAL_URL)
  --log.level LEVEL         trace|debug|info|warn|error|fatal (env ARGUS_LOG_LEVEL; default info)
  -h, --help                show this help

Signals: SIGHUP reloads the config (as does POST /-/reload); SIGTERM/SIGINT shut down gracefully.
`;

export const CHECK_USAGE = `Usage: argus check config FILE
       argus check rules [--logql] FILE...

check config validates an Argus config file: YAML syntax, every key known, every value
well-formed. Prints every problem as FILE:LINE:COLUMN: KEY.PATH: message and exits 1 if there
is any; if the file is valid, prints FILE: OK and a summary of the main settings (the file's
values with defaults filled in; flags and ARGUS_* variables may still override them), exits 0.

check rules validates Prometheus rule files as promtool check rules does: YAML, groups, rule
names, PromQL expressions, label and annotation templates. Prints "SUCCESS: N rules found" per
good file (and duplicate rules as a warning), every problem with its line:column, and exits 1
if any file is invalid. With --logql the files are log rule files (log_rule_files: the same
format, each expr a LogQL metric query, as Loki's ruler reads them).

Flags:
      --logql  the files are LogQL rule files
  -h, --help   show this help
`;

export const BACKUP_USAGE = `Usage: argus backup --data-dir DIR OUT

Writes a consistent copy of DIR to the new directory OUT: the TSDB, the state database
(users, tokens, audit trail, encrypted secrets) and secret.key (keep OUT private: 0600 files).
If a server is running on DIR, its snapshot API is used (found through the data dir's lock
file, or --url) with a short-lived admin token minted in DIR's state database and revoked
afterwards; otherwise the files are copied while holding the data dir's lock.

Restore: stop the server, replace the data dir's contents with OUT's, start the server.

Flags:
  --data-dir DIR   data directory to back up (env ARGUS_DATA_DIR; default ./data)
  --url URL        base URL of the running server (default: from the lock file)
  --without-key    leave secret.key out (keep it elsewhere: a backup without it cannot
                   decrypt the stored secrets)
  --ca FILE        PEM certificate or CA to trust for a server with a self-signed or
                   private-CA server.tls (default: the system CAs and NODE_EXTRA_CA_CERTS)
  -h, --help       show this help
`;

export const VERSION_USAGE = `Usage: argus version

Prints the Argus version and the Node.js version it runs on.
`;

export const HELP_USAGE = `Usage: argus help [COMMAND]

Shows general help, or the help of COMMAND (server, check, backup, user, token, tenant, audit,
query, version).
`;

const ACCESS_NOTE = `They open DIR/state.db directly (safe while a server runs on DIR); every change is
recorded in the audit trail as cli:<your OS user>.`;

const ACCESS_FLAGS = `  --data-dir DIR   data directory (env ARGUS_DATA_DIR; default ./data)
  --json           machine-readable output (list commands)
  -h, --help       show this help`;

export const USER_USAGE = `Usage: argus user <subcommand> [flags]

Subcommands:
  add NAME [--role viewer|editor|admin] [--tenant T] [--system-admin] [--service]
           [--password-stdin]
                     create a user with a role in tenant T (default: viewer in default).
                     The password is read from stdin with --password-stdin, else generated
                     and printed once. --service: a service account (API tokens only).
  passwd NAME [--password-stdin]
                     set a new password (read from stdin, else generated and printed once);
                     all the user's sessions are revoked
  list [--tenant T]  list users (with their roles; only T's with --tenant)
  role NAME --tenant T --role viewer|editor|admin|none
                     grant or change (none: remove) NAME's role in tenant T
  delete NAME        delete a user with their tokens and sessions

${ACCESS_NOTE}

Flags:
${ACCESS_FLAGS}
`;

export const TOKEN_USAGE = `Usage: argus token <subcommand> [flags]

Subcommands:
  create --user NAME --scope read|write|admin [--tenant T] [--name N] [--expires 30d]
         [--cross-tenant]
                 create an API token acting in tenant T (default: default) with the lesser
                 of the scope and the user's role there. Prints the token (only this once)
                 on stdout. write = ingestion only. --cross-tenant: may pick the tenant per
                 request (system admins only).
  revoke ID      revoke a token (by its tok_… id)
  list [--user NAME] [--tenant T] [--all]
                 list tokens (--all: with revoked ones)

${ACCESS_NOTE}

Flags:
${ACCESS_FLAGS}
`;

export const TENANT_USAGE = `Usage: argus tenant <subcommand> [flags]

Subcommands:
  add ID   create a tenant (1-63 of a-z 0-9 _ -)
  list     list tenants

${ACCESS_NOTE}

Flags:
${ACCESS_FLAGS}
`;

export const AUDIT_USAGE = `Usage: argus audit <subcommand> [flags]

Subcommands:
  verify           walk the audit trail's hash chain (from its signed checkpoint, if pruned);
                   exit 0 when intact, 1 with the first broken entry and why
  list [--limit N] show the newest N entries (default 100, at most 1000)

The checkpoint key comes from DIR/secret.key or ARGUS_SECRET_KEY, as for the server.

Flags:
${ACCESS_FLAGS}
`;

export const QUERY_USAGE = `Usage: argus query EXPR [--time T | --start S --end E --step D] [flags]

Runs a PromQL query against a running server (the Prometheus-compatible API) and prints the
result as a table: one row per series (instant query), or each series with its points (range
query). Warnings go to stderr; an error goes to stderr with exit code 1.

An instant query is evaluated at --time (default now). Any of --start/--end/--step makes it a
range query (defaults: --end now, --start one hour before --end, --step about 250 points).
Times are unix seconds, RFC3339, "now", or "now" plus or minus a duration (now-2m, now+1h,
now-1h30m); --step is a duration (15s, 1m) or seconds.

Authenticates with the API token in ARGUS_TOKEN (Bearer; needs read in its tenant).

Flags:
  --time T      evaluation time of an instant query
  --start S     range start
  --end E       range end
  --step D      range resolution
  --url URL     server base URL (env ARGUS_URL; default http://127.0.0.1:9470)
  --json        print the API's data object as JSON instead of a table
  -h, --help    show this help
`;

export const PROBE_USAGE = `Usage: argus probe [--name NAME] [--json] [--guard] FILE

Runs a check definition once and prints the result: success or the error naming what was
wrong, the probe's duration, its facts (status code, addresses, days to certificate expiry…)
and the blackbox_exporter-compatible metrics it would store. For trying a definition before
putting it in argus.yml or the UI.

FILE holds one check (a mapping with name, kind, the kind's fields), a list of checks, or a
config with checks: (argus.yml); with several, --name picks one (default: run them all).
Exits 0 when every probe succeeded, 1 when one failed, 2 when a definition is invalid.

Flags:
      --name NAME  run only this check
      --json       print the results as JSON (one object per check)
      --guard      refuse private, loopback and metadata addresses as for checks created
                   through the API (default: trusted, as checks written in argus.yml)
  -h, --help       show this help
`;

export const TEST_USAGE = `Usage: argus test rules FILE...

Runs rule unit tests written in promtool's format (rule_files, evaluation_interval,
input_series in the expanding notation, alert_rule_test, promql_expr_test) against an
in-memory store: no server needed. Prints SUCCESS or each failure with what was expected and
what came out, and exits 1 if any test fails.

Flags:
  -h, --help   show this help
`;
