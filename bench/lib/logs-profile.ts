/**
 * Where the server's time went per phase of the logs benchmark: top functions by self time of
 * the main thread's V8 CPU profile (node --cpu-prof), windowed per phase.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { hotFunctions, readProfile, type HotFunctions } from './query-profile.js';

export interface ProfileFindings {
  files: string[];
  phases: Record<string, HotFunctions>;
}

/**
 * Profiles written to `dir` between `sinceMs` and `untilMs` (one server process): the largest is the main thread's (workers, e.g.
 * chunk compression, write their own; their top functions go under `worker:<file>`).
 */
export async function profileFindings(
  dir: string,
  sinceMs: number,
  untilMs: number,
  windows: Record<string, [number, number][]>,
): Promise<ProfileFindings> {
  const files: { file: string; size: number }[] = [];
  for (const f of await readdir(dir)) {
    if (!f.endsWith('.cpuprofile')) continue;
    const st = await stat(path.join(dir, f));
    if (st.mtimeMs >= sinceMs && st.mtimeMs <= untilMs)
      files.push({ file: path.join(dir, f), size: st.size });
  }
  files.sort((a, b) => b.size - a.size);
  const phases: Record<string, HotFunctions> = {};
  if (files.length === 0) return { files: [], phases };
  const main = await readProfile(files[0].file);
  for (const [phase, w] of Object.entries(windows)) phases[phase] = hotFunctions(main, w, 15);
  const all = Object.values(windows).flat();
  for (const f of files.slice(1)) {
    phases[`${Object.keys(windows).join('+')} worker:${path.basename(f.file)}`] = hotFunctions(
      await readProfile(f.file),
      all,
      10,
    );
  }
  return { files: files.map((f) => f.file), phases };
}
