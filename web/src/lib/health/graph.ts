/**
 * The dependency graph's layout, left to right from dependents to their dependencies:
 * longest-path layering (layer 0 holds the services nothing depends on), order within a layer
 * by name. Pure: tested in test/web/health.test.ts.
 */

export interface GraphNode {
  name: string;
  depends_on: readonly string[];
}

export interface PlacedNode {
  name: string;
  layer: number;
  /** Position within the layer. */
  row: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  /** The dependent. */
  from: string;
  /** The dependency. */
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_W = 150;
export const NODE_H = 44;
const GAP_X = 70;
const GAP_Y = 24;
const PAD = 12;

/**
 * Layer of each service: 0 for services no one depends on, else one more than the deepest
 * dependent (longest path from a top service), so every edge points rightwards. Dependencies
 * on unknown services are ignored; a cycle (the server refuses them) cannot loop forever.
 */
export function layers(nodes: readonly GraphNode[]): Map<string, number> {
  const names = new Set(nodes.map((n) => n.name));
  const dependents = new Map<string, string[]>();
  for (const n of nodes)
    for (const d of n.depends_on) {
      if (!names.has(d) || d === n.name) continue;
      const l = dependents.get(d) ?? [];
      l.push(n.name);
      dependents.set(d, l);
    }
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (name: string): number => {
    const known = layer.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    let l = 0;
    for (const up of dependents.get(name) ?? []) l = Math.max(l, depth(up) + 1);
    visiting.delete(name);
    layer.set(name, l);
    return l;
  };
  for (const n of nodes) depth(n.name);
  return layer;
}

export function layoutGraph(nodes: readonly GraphNode[]): GraphLayout {
  const layer = layers(nodes);
  const byLayer = new Map<number, string[]>();
  for (const n of nodes) {
    const l = layer.get(n.name) ?? 0;
    const list = byLayer.get(l) ?? [];
    list.push(n.name);
    byLayer.set(l, list);
  }
  const placed = new Map<string, PlacedNode>();
  let maxRows = 0;
  let maxLayer = -1;
  for (const [l, list] of byLayer) {
    list.sort((a, b) => a.localeCompare(b));
    maxRows = Math.max(maxRows, list.length);
    maxLayer = Math.max(maxLayer, l);
    list.forEach((name, row) =>
      placed.set(name, {
        name,
        layer: l,
        row,
        x: PAD + l * (NODE_W + GAP_X),
        y: PAD + row * (NODE_H + GAP_Y),
      }),
    );
  }
  const edges: PlacedEdge[] = [];
  for (const n of nodes) {
    const a = placed.get(n.name)!;
    for (const d of n.depends_on) {
      const b = placed.get(d);
      if (b === undefined || d === n.name) continue;
      edges.push({
        from: n.name,
        to: d,
        x1: a.x + NODE_W,
        y1: a.y + NODE_H / 2,
        x2: b.x,
        y2: b.y + NODE_H / 2,
      });
    }
  }
  const nodesOut = nodes.map((n) => placed.get(n.name)!);
  return {
    nodes: nodesOut,
    edges,
    width: maxLayer < 0 ? 0 : PAD * 2 + (maxLayer + 1) * NODE_W + maxLayer * GAP_X,
    height: maxRows === 0 ? 0 : PAD * 2 + maxRows * NODE_H + (maxRows - 1) * GAP_Y,
  };
}

/** Services that depend on `name` directly. */
export function dependentsOf(nodes: readonly GraphNode[], name: string): string[] {
  return nodes
    .filter((n) => n.depends_on.includes(name))
    .map((n) => n.name)
    .sort((a, b) => a.localeCompare(b));
}
