import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** Where a key path sits in the YAML source (node start offsets), as far as it exists. */
interface Located {
  /** Offset of the deepest existing key (or item) on the path. */
  offset: number;
  /** True when the whole path exists. */
  complete: boolean;
  /** The node at the full path, when it exists. */
  node?: Node;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Walks `path` through the document, remembering the last position found. */
function locate(doc: Document, path: readonly PropertyKey[]): Located {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    node = resolve(doc, node);
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) return { offset, complete: false };
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return { offset, complete: false };
      node = item;
      offset = (item as Node | null)?.range?.[0] ?? offset;
    } else {
      return { offset, complete: false };
    }
  }
  return { offset, complete: true, node: resolve(doc, node) as Node };
}

/** Line/column (1-based) of the key at `path`, or of its deepest existing ancestor. */
export function keyPosition(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
): { line: number; column: number } {
  const { offset } = locate(doc, path);
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/** Line/column of the key `key` inside the mapping at `path` (for unknown-key errors). */
export function childKeyPosition(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
  key: string,
): { line: number; column: number } {
  const loc = locate(doc, [...path, key]);
  const { line, col } = lc.linePos(loc.offset);
  return { line, column: col };
}
