import type { FileHandle } from 'node:fs/promises';
import type { Labels, TenantId } from '../../model/index.js';
import type { LogEntry } from '../../storage/index.js';
import type { MultilineJoiner } from './multiline.js';

/**
 * One open file being tailed. Offsets are bytes: `committed` ≤ `emitted` ≤ `readPos`.
 * `committed` is what the checkpoint holds; `emitted` ends the last record in `pending`;
 * bytes after it are in the joiner or `partial` (a line without its newline yet).
 */
export interface TrackedFile {
  /** `dev:ino`: the file's identity across renames. */
  key: string;
  /** The path it was last seen at. */
  path: string;
  dev: number;
  ino: number;
  fh: FileHandle;
  target: { tenant: TenantId; multilineTimeout: number };
  labels: Labels;
  readPos: number;
  emitted: number;
  committed: number;
  partial: Buffer | undefined;
  partialAt: number;
  joiner: MultilineJoiner | undefined;
  /** Records read this cycle, not yet committed. */
  pending: LogEntry[];
  /** The path no longer names this file (rotated or deleted): read to its end, then close. */
  gone: boolean;
  /** Close after this cycle's commit. */
  closing: boolean;
  /** When data was last read (or the file was found gone), ms. */
  lastDataAt: number;
}
