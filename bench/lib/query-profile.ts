/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and ranks functions by self time within time
 * windows, so one profile of a whole run (load + all queries) can say where one query's time
 * went. Windows are absolute milliseconds on the monotonic clock (V8 profile timestamps are
 * CLOCK_MONOTONIC µs on Linux, the clock of `process.hrtime` in the benchmark process).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  /** `name (file:line)`, file relative to the repo when under it. */
  name: string;
  selfMs: number;
  /** Share of the samples inside the windows. */
  percent: number;
}

/** The newest `.cpuprofile` in `dir` written after `sinceMs` (epoch ms), if any. */
export async function newestProfile(dir: string, sinceMs: number): Promise<string | undefined> {
  let best: { file: string; mtime: number } | undefined;
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (!f.endsWith('.cpuprofile')) continue;
    const file = path.join(dir, f);
    const { mtimeMs } = await stat(file);
    if (mtimeMs >= sinceMs && (best === undefined || mtimeMs > best.mtime)) {
      best = { file, mtime: mtimeMs };
    }
  }
  return best?.file;
}

function frameName(n: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const fn = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return fn; // (garbage collector), (program), (idle)...
  const file = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
  return `${fn} (${file}:${lineNumber + 1})`;
}

export interface HotFunctions {
  top: HotFunction[];
  /** Profile time sampled inside the windows, idle excluded. */
  busyMs: number;
}

/** Top `n` functions by self time over the samples that fall into any of `windows`. */
export function hotFunctions(
  profile: CpuProfile,
  windows: readonly [number, number][],
  n: number,
  root = process.cwd(),
): HotFunctions {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let t = profile.startTime; // µs, monotonic
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const ms = t / 1000;
    if (!windows.some(([a, b]) => ms >= a && ms <= b)) continue;
    const node = byId.get(profile.samples[i]);
    // Idle is the server waiting for the next request, not work done for the query.
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    const name = frameName(node, root);
    // A sample's time is the gap to the next one; the delta before it is a fair estimate.
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  }
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({
      name,
      selfMs: us / 1000,
      percent: total > 0 ? (100 * us) / total : 0,
    }));
  return { top, busyMs: total / 1000 };
}

export async function readProfile(file: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
}
