import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker thread's entry `<name>.js` beside this file is: the compiled file (dist/), or,
 * when running from sources under tsx (whose loader the worker inherits), `<name>.ts`.
 * Undefined when neither can run here: the pools then work inline on the calling thread.
 */
export function workerEntry(name: string): URL | undefined {
  const js = new URL(`./${name}.js`, import.meta.url);
  if (existsSync(fileURLToPath(js))) return js;
  const ts = new URL(`./${name}.ts`, import.meta.url);
  const tsx = process.execArgv.some((a) => a.includes('tsx'));
  if (tsx && existsSync(fileURLToPath(ts))) return ts;
  return undefined;
}
