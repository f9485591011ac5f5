/** `resets` and `changes`: counts over consecutive sample pairs in the window. */
import { ABSENT, type RangeFunction } from '../../steps.js';

export const resets: RangeFunction = (w, out) => {
  const { vs, lo, hi } = w;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    if (a === b) {
      out[i] = ABSENT;
      continue;
    }
    let n = 0;
    for (let j = a + 1; j < b; j++) if (vs[j] < vs[j - 1]) n++;
    out[i] = n;
  }
};

export const changes: RangeFunction = (w, out) => {
  const { vs, lo, hi } = w;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    if (a === b) {
      out[i] = ABSENT;
      continue;
    }
    let n = 0;
    for (let j = a + 1; j < b; j++) {
      const cur = vs[j];
      const prev = vs[j - 1];
      // NaN → NaN is no change (NaN !== NaN would count it).
      if (cur !== prev && !(cur !== cur && prev !== prev)) n++;
    }
    out[i] = n;
  }
};
