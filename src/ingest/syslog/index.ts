/**
 * @module ingest/syslog
 * The syslog input (issue #9): RFC 5424 and RFC 3164 messages over UDP and TCP (RFC 6587
 * octet-counting and LF/NUL framing), structured data kept as fields, stored through the
 * `LogAppendable` seam. Off by default; enabled with `syslogConfigSchema`.
 */
export { syslogConfigSchema, parseListenAddress, type SyslogConfig } from './config.js';
export {
  SyslogServer,
  SyslogListenError,
  type SyslogServerOptions,
  type SyslogStats,
} from './server.js';
export { parseSyslog, parseRfc3339, type SyslogMessage } from './parse.js';
export { toEntry } from './entry.js';
export { FrameDecoder } from './framing.js';
