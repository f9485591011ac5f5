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
  backup --data-dir D OUT
                      write a consistent copy of the TSDB to the directory OUT
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

Validates an Argus config file: YAML syntax, every key known, every value well-formed.
Prints every problem as FILE:LINE:COLUMN: KEY.PATH: message and exits 1 if there is any;
if the file is valid, prints FILE: OK and a summary of the main settings (the file's values
with defaults filled in; flags and ARGUS_* variables may still override them), exits 0.

Flags:
  -h, --help   show this help
`;

export const BACKUP_USAGE = `Usage: argus backup --data-dir DIR OUT

Writes a consistent copy of the TSDB in DIR to the new directory OUT.
If a server is running on DIR, its snapshot API is used (found through the data dir's lock
file, or --url); otherwise the data files are copied while holding the data dir's lock.

Restore: stop the server, replace the data dir's contents with OUT's, start the server.

Flags:
  --data-dir DIR   data directory to back up (env ARGUS_DATA_DIR; default ./data)
  --url URL        base URL of the running server (default: from the lock file)
  -h, --help       show this help
`;

export const VERSION_USAGE = `Usage: argus version

Prints the Argus version and the Node.js version it runs on.
`;

export const HELP_USAGE = `Usage: argus help [COMMAND]

Shows general help, or the help of COMMAND (server, check, backup, version).
`;
