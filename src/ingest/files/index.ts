/**
 * @module ingest/files
 * File tailing (issue #9): files matched by globs are followed across rotation and truncation,
 * multiline records (stack traces) joined, and committed offsets checkpointed so a restart
 * neither duplicates nor skips lines. Records go through the `LogAppendable` seam.
 */
export {
  filesConfigSchema,
  fileTargetSchema,
  type FilesConfig,
  type FileTargetConfig,
} from './config.js';
export { FileTailer, type FileTailerOptions, type FileTailerStats } from './tailer.js';
export { CheckpointError, type FilePosition } from './checkpoint.js';
export { Glob, InvalidGlobError } from './glob.js';
