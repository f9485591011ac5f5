/**
 * Postings: sorted ascending Uint32Arrays of series refs without duplicates, and the set
 * algebra the index and the head use to answer matchers. Results MAY be views (subarrays) over
 * a larger buffer or one of the inputs; callers MUST treat every returned array as read-only.
 */

import { gallop } from './postings-gallop.js';

export { gallop } from './postings-gallop.js';
export { PostingsList } from './postings-list.js';

const EMPTY = new Uint32Array(0);

/** Size ratio above which a two-way intersection gallops through the larger list. */
const GALLOP_RATIO = 16;

function intersect2(a: Uint32Array, b: Uint32Array, out: Uint32Array): number {
  // a is the smaller list.
  let k = 0;
  if (b.length > a.length * GALLOP_RATIO) {
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      j = gallop(b, j, x);
      if (j >= b.length) break;
      if (b[j] === x) out[k++] = x;
    }
    return k;
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out[k++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return k;
}

/** Refs present in every list. Starts from the smallest list and gallops when sizes differ. */
export function intersect(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY;
  if (lists.length === 1) return lists[0];
  const sorted = lists.slice().sort((x, y) => x.length - y.length);
  if (sorted[0].length === 0) return EMPTY;
  const out = new Uint32Array(sorted[0].length);
  let k = intersect2(sorted[0], sorted[1], out);
  // Later passes read and write `out` in place: the write index never passes the read index.
  for (let i = 2; i < sorted.length && k > 0; i++)
    k = intersect2(out.subarray(0, k), sorted[i], out);
  return out.subarray(0, k);
}

/** Refs present in any list (a k-way merge over a binary min-heap of list cursors). */
export function union(lists: readonly Uint32Array[]): Uint32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0];
  if (nonEmpty.length === 2) return union2(nonEmpty[0], nonEmpty[1]);
  let total = 0;
  for (const l of nonEmpty) total += l.length;
  const out = new Uint32Array(total);
  const m = nonEmpty.length;
  // Heap of list indexes ordered by their current head value.
  const heap = new Uint32Array(m);
  const pos = new Uint32Array(m);
  const head = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    heap[i] = i;
    head[i] = nonEmpty[i][0];
  }
  for (let i = (m >>> 1) - 1; i >= 0; i--) siftDown(heap, head, i, m);
  let size = m;
  let k = 0;
  let last = -1;
  while (size > 0) {
    const li = heap[0];
    const x = head[li];
    if (x !== last) {
      out[k++] = x;
      last = x;
    }
    const list = nonEmpty[li];
    const p = ++pos[li];
    if (p < list.length) {
      head[li] = list[p];
    } else {
      heap[0] = heap[--size];
    }
    siftDown(heap, head, 0, size);
  }
  return out.subarray(0, k);
}

function siftDown(heap: Uint32Array, head: Float64Array, i: number, size: number): void {
  const item = heap[i];
  const v = head[item];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && head[heap[c + 1]] < head[heap[c]]) c++;
    if (head[heap[c]] >= v) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = item;
}

function union2(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x < y) {
      out[k++] = x;
      i++;
    } else if (y < x) {
      out[k++] = y;
      j++;
    } else {
      out[k++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out.subarray(0, k);
}

/** Refs in `a` but not in `b`. Gallops through `b` when it is much larger than `a`. */
export function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let k = 0;
  let j = 0;
  const galloping = b.length > a.length * GALLOP_RATIO;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (galloping) {
      j = gallop(b, j, x);
    } else {
      while (j < b.length && b[j] < x) j++;
    }
    if (j >= b.length) {
      out.set(a.subarray(i), k);
      k += a.length - i;
      break;
    }
    if (b[j] !== x) out[k++] = x;
  }
  return out.subarray(0, k);
}
