/**
 * The dashboard grid: 24 columns, rows of 30 px; panels carry `gridPos {x, y, w, h}`.
 * Editing moves and resizes panels in whole cells (buttons and keyboard; pure functions here,
 * tested in test/web/dashboard-layout.test.ts).
 */
export const COLUMNS = 24;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Move = 'left' | 'right' | 'up' | 'down' | 'wider' | 'narrower' | 'taller' | 'shorter';

/** The panel's position after one step of `move`, kept inside the grid. */
export function applyMove(p: GridPos, move: Move): GridPos {
  switch (move) {
    case 'left':
      return { ...p, x: Math.max(0, p.x - 1) };
    case 'right':
      return { ...p, x: Math.min(COLUMNS - p.w, p.x + 1) };
    case 'up':
      return { ...p, y: Math.max(0, p.y - 1) };
    case 'down':
      return { ...p, y: p.y + 1 };
    case 'wider':
      return { ...p, w: Math.min(COLUMNS - p.x, p.w + 1) };
    case 'narrower':
      return { ...p, w: Math.max(2, p.w - 1) };
    case 'taller':
      return { ...p, h: Math.min(100, p.h + 1) };
    case 'shorter':
      return { ...p, h: Math.max(2, p.h - 1) };
  }
}

/** Where a new panel goes: below everything, full or half width. */
export function nextPosition(existing: readonly GridPos[], w = 12, h = 8): GridPos {
  const bottom = existing.reduce((m, p) => Math.max(m, p.y + p.h), 0);
  // Fill the right half of the last row when its left half is the only thing there.
  const lastRow = existing.filter((p) => p.y + p.h === bottom);
  if (lastRow.length === 1 && lastRow[0]!.x === 0 && lastRow[0]!.w <= COLUMNS - w) {
    return { x: lastRow[0]!.w, y: lastRow[0]!.y, w, h };
  }
  return { x: 0, y: bottom, w, h };
}

/** Panels in reading order (top to bottom, left to right): the phone layout stacks them so. */
export function readingOrder<T extends { gridPos: GridPos }>(panels: readonly T[]): T[] {
  return [...panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * After `movedId` moved or grew, pushes every panel it now overlaps down below it, and so on
 * for the panels those land on: nothing overlaps afterwards. Returns new panel objects.
 */
export function settle<T extends { id: number; gridPos: GridPos }>(
  panels: readonly T[],
  movedId: number,
): T[] {
  const out = panels.map((p) => ({ ...p, gridPos: { ...p.gridPos } }));
  const moved = out.find((p) => p.id === movedId);
  if (moved === undefined) return out;
  const queue = [moved];
  while (queue.length > 0) {
    const a = queue.shift()!;
    for (const b of out) {
      if (b === a || b === moved || !overlaps(a.gridPos, b.gridPos)) continue;
      b.gridPos.y = a.gridPos.y + a.gridPos.h;
      queue.push(b);
    }
  }
  return out;
}
