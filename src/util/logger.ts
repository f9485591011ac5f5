/**
 * The logging surface modules depend on: a subset of pino's API, so the server's pino logger
 * (or a test's recorder) can be passed in. Objects first, message second; secrets never logged.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A Logger that drops everything (tests, tools). */
export const nopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
