import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { errorChain, type Logger } from '../../util/index.js';
import { Block, type BlockOpenOptions } from './block.js';
import { isUlid } from './ulid.js';

export const QUARANTINE_DIR = 'quarantine';

export interface OpenBlocksResult {
  /** Blocks that opened, sorted by minTime (then ulid). */
  blocks: Block[];
  /** Directory names moved to `<dataDir>/quarantine/`. */
  quarantined: string[];
  /** Blocks deleted because a compacted block already holds all their data. */
  superseded: string[];
}

/**
 * Opens every block directory (`<ULID>/`) in `dataDir`. Leftover `<ULID>.tmp/` dirs from an
 * interrupted write are removed. A block that fails to open is moved to
 * `<dataDir>/quarantine/<name>` and logged; it is never fatal. A block whose sources are all
 * contained in a higher-level block (a crash between writing a compacted block and deleting
 * its inputs) is deleted, as Prometheus does with compaction parents.
 */
export function openBlocks(
  dataDir: string,
  logger: Logger,
  opts: BlockOpenOptions = {},
): OpenBlocksResult {
  const res: OpenBlocksResult = { blocks: [], quarantined: [], superseded: [] };
  if (!existsSync(dataDir)) return res;
  for (const name of readdirSync(dataDir).sort()) {
    const path = `${dataDir}/${name}`;
    if (name.endsWith('.tmp') && isUlid(name.slice(0, -4))) {
      rmSync(path, { recursive: true, force: true });
      logger.info({ dir: path }, 'removed leftover temporary block directory');
      continue;
    }
    if (!isUlid(name) || !statSync(path).isDirectory()) continue;
    try {
      res.blocks.push(Block.open(path, opts));
    } catch (err) {
      try {
        const to = quarantine(dataDir, name);
        res.quarantined.push(name);
        logger.error(
          { block: name, movedTo: to, err: errorChain(err) },
          'block is damaged; moved to quarantine',
        );
      } catch (moveErr) {
        // Still not fatal: the block is skipped and stays where it is.
        logger.error(
          { block: name, err: errorChain(err), moveErr: errorChain(moveErr) },
          'block is damaged and could not be moved to quarantine; skipping it',
        );
      }
    }
  }
  res.blocks = dropSuperseded(res.blocks, logger, res.superseded);
  res.blocks.sort(
    (a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : 1),
  );
  return res;
}

function quarantine(dataDir: string, name: string): string {
  const qdir = `${dataDir}/${QUARANTINE_DIR}`;
  mkdirSync(qdir, { recursive: true });
  let to = `${qdir}/${name}`;
  if (existsSync(to)) to = `${to}-${Date.now()}`;
  renameSync(`${dataDir}/${name}`, to);
  return to;
}

function dropSuperseded(blocks: Block[], logger: Logger, out: string[]): Block[] {
  const keep: Block[] = [];
  for (const b of blocks) {
    const src = b.meta.compaction.sources;
    const parent = blocks.find(
      (o) =>
        o !== b &&
        o.meta.compaction.level > b.meta.compaction.level &&
        src.every((s) => o.meta.compaction.sources.includes(s)),
    );
    if (parent === undefined) {
      keep.push(b);
      continue;
    }
    b.close();
    rmSync(b.dir, { recursive: true, force: true });
    out.push(b.meta.ulid);
    logger.info(
      { block: b.meta.ulid, compactedInto: parent.meta.ulid },
      'deleted block already compacted into another',
    );
  }
  return keep;
}
