/**
 * @module config
 * Configuration machinery shared by every module: unit types (durations, byte sizes) for the
 * zod schemas each module keeps in its own `config.ts`, and the loader that reads YAML files into
 * typed, validated config with errors that name the file, key path, expectation and value.
 * The root schema is composed in `server/config.ts`.
 */
export { parseDuration, formatDuration, parseBytes, zDuration, zBytes } from './units.js';
export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';
export { parseConfigText, loadConfigFile } from './loader.js';
export { describeValue } from './issues.js';
export { closestKey } from './schema-shape.js';
