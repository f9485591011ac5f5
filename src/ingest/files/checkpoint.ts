import { open, readFile, rename } from 'node:fs/promises';
import { ArgusError } from '../../util/index.js';

/** The checkpoint file exists but cannot be read as one. */
export class CheckpointError extends ArgusError {}

/** How far a file's lines are committed: its identity (device, inode, path) and byte offset. */
export interface FilePosition {
  path: string;
  dev: number;
  ino: number;
  offset: number;
}

interface CheckpointFile {
  version: 1;
  files: FilePosition[];
}

/** Reads the checkpoint; empty when the file does not exist yet. */
export async function loadCheckpoint(path: string): Promise<FilePosition[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CheckpointError(`cannot read file checkpoint ${path}`, { cause: err });
  }
  let data: CheckpointFile;
  try {
    data = JSON.parse(text) as CheckpointFile;
  } catch (err) {
    throw new CheckpointError(`cannot parse file checkpoint ${path}: not JSON`, { cause: err });
  }
  if (data?.version !== 1 || !Array.isArray(data.files))
    throw new CheckpointError(
      `cannot parse file checkpoint ${path}: got version ${JSON.stringify(data?.version)}, want 1`,
    );
  return data.files.filter(
    (f) =>
      typeof f.path === 'string' &&
      Number.isSafeInteger(f.dev) &&
      Number.isSafeInteger(f.ino) &&
      Number.isSafeInteger(f.offset) &&
      f.offset >= 0,
  );
}

/** Writes the checkpoint durably: a temporary file, fsynced, renamed over the old one. */
export async function saveCheckpoint(path: string, files: FilePosition[]): Promise<void> {
  const tmp = `${path}.tmp`;
  const body: CheckpointFile = { version: 1, files };
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(body));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
