import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import type { Block } from './block.js';
import { syncDir } from './writer.js';

/**
 * Copies blocks into `snapshotDir/<ulid>/` as hard links (blocks are immutable, so a link is a
 * consistent copy that costs no space), falling back to a byte copy across file systems.
 */
export async function snapshotBlocks(blocks: Block[], snapshotDir: string): Promise<void> {
  await mkdir(snapshotDir, { recursive: true });
  for (const b of blocks) {
    await linkTree(b.dir, `${snapshotDir}/${b.meta.ulid}`);
  }
  await syncDir(snapshotDir);
}

async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = `${from}/${e.name}`;
    const dst = `${to}/${e.name}`;
    if (e.isDirectory()) {
      await linkTree(src, dst);
    } else {
      await link(src, dst).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EXDEV' && err.code !== 'EPERM' && err.code !== 'EMLINK') throw err;
        await copyFile(src, dst);
      });
    }
  }
  await syncDir(to);
}
