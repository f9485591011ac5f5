/**
 * Running one probe: the deadline (an AbortSignal at `timeout`, and a failed result at the
 * deadline even when the kind ignores the signal), secrets, and `probeOnce` for `argus probe`.
 */
import { readFile } from 'node:fs/promises';
import { formatDuration } from '../config/index.js';
import { DEFAULT_TENANT, type TenantId } from '../model/index.js';
import { OutboundGuard } from '../net/index.js';
import { errorChain } from '../util/index.js';
import { parseCheckDefinition, type CheckDefinition } from './definition.js';
import type { AnyCheckKind, ProbeContext, ProbeResult, SecretRef } from './types.js';

/**
 * Ends a probe from outside without a listener on an AbortSignal: in Node 20 each add/remove of
 * an AbortSignal listener keeps ~0.9 KB alive past a young-generation GC (measured), which the
 * engine paid on every probe (bench/checks: old-space growth, hence mark-compact pauses).
 * `signal` is created on first use, for waits that need one (the engine's semaphore).
 */
export class ProbeAbort {
  aborted = false;
  /** Set by `runProbe` while the probe runs. */
  onAbort: (() => void) | undefined;
  private controller: AbortController | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.controller?.abort();
    this.onAbort?.();
  }
}

/** Runs `kind.probe` with a deadline. Never throws; never resolves later than the deadline. */
export async function runProbe(
  kind: AnyCheckKind,
  spec: unknown,
  ctx: Omit<ProbeContext, 'signal' | 'timeoutMs'>,
  timeoutMs: number,
  parent?: AbortSignal | ProbeAbort,
): Promise<ProbeResult> {
  const ac = new AbortController();
  const start = performance.now();
  const elapsed = (): number => (performance.now() - start) / 1000;
  let timer: NodeJS.Timeout | undefined;
  let onParent: (() => void) | undefined;
  const deadline = new Promise<ProbeResult>((resolve) => {
    const fail = (error: string): void => {
      ac.abort(new Error(error));
      resolve({ success: false, durationSeconds: elapsed(), error, metrics: [] });
    };
    timer = setTimeout(
      () => fail(`timeout: no result within ${formatDuration(timeoutMs)}`),
      timeoutMs,
    );
    onParent = () => fail('aborted: the check engine is stopping');
    if (parent?.aborted) onParent();
    else if (parent instanceof ProbeAbort) parent.onAbort = onParent;
    else parent?.addEventListener('abort', onParent, { once: true });
  });
  const probe = (async (): Promise<ProbeResult> => {
    try {
      return await kind.probe(spec, { ...ctx, signal: ac.signal, timeoutMs });
    } catch (err) {
      // The contract says a probe never throws; a kind that does is reported, not fatal.
      return {
        success: false,
        durationSeconds: elapsed(),
        error: `probe failed unexpectedly: ${errorChain(err)}`,
        metrics: [],
      };
    }
  })();
  try {
    return await Promise.race([probe, deadline]);
  } finally {
    clearTimeout(timer);
    if (parent instanceof ProbeAbort) parent.onAbort = undefined;
    else if (onParent) parent?.removeEventListener('abort', onParent);
  }
}

/** Resolves a SecretRef: a plain value, a stored secret, or (config checks only) a file. */
export async function resolveSecret(
  ref: SecretRef,
  tenant: TenantId,
  secrets: { get(tenant: string, name: string): Promise<string> } | undefined,
  allowFiles: boolean,
): Promise<string> {
  if (typeof ref === 'string') return ref;
  if ('secret' in ref) {
    if (!secrets)
      throw new Error(`cannot read secret ${JSON.stringify(ref.secret)}: no secret store`);
    return secrets.get(tenant, ref.secret);
  }
  if (!allowFiles)
    throw new Error(`cannot read file ${JSON.stringify(ref.file)}: files are for argus.yml checks`);
  try {
    return (await readFile(ref.file, 'utf8')).trimEnd();
  } catch (err) {
    throw new Error(`cannot read secret file ${JSON.stringify(ref.file)}: ${errorChain(err)}`, {
      cause: err,
    });
  }
}

/** What `probeOnce` may be given; everything has a default. */
export type ProbeOnceContext = Partial<Omit<ProbeContext, 'signal' | 'timeoutMs'>> & {
  secrets?: { get(tenant: string, name: string): Promise<string> };
};

/**
 * Parses `input` (an object as YAML decodes it) and probes it once, as `argus probe` does: no
 * engine, no metrics, no state. Files are allowed (the operator runs it). Throws
 * CheckDefinitionError for an invalid definition; a failed probe is a result.
 */
export async function probeOnce(
  input: unknown,
  kinds: ReadonlyMap<string, AnyCheckKind>,
  partial: ProbeOnceContext = {},
): Promise<{ definition: CheckDefinition; target: string; result: ProbeResult }> {
  const definition = parseCheckDefinition(input, kinds);
  const kind = kinds.get(definition.kind) as AnyCheckKind; // parse checked it exists
  const tenant = partial.tenant ?? DEFAULT_TENANT;
  const guard = partial.guard ?? new OutboundGuard().forConfigTargets();
  const ctx: Omit<ProbeContext, 'signal' | 'timeoutMs'> = {
    tenant,
    guard,
    maxBodyBytes: partial.maxBodyBytes ?? guard.maxBodyBytes,
    secret: partial.secret ?? ((ref) => resolveSecret(ref, tenant, partial.secrets, true)),
    now: partial.now ?? Date.now,
    query:
      partial.query ??
      (() => Promise.reject(new Error('cannot query: no PromQL engine in argus probe'))),
    heartbeat: partial.heartbeat ?? { since: (partial.now ?? Date.now)() },
  };
  const result = await runProbe(kind, definition.spec, ctx, definition.timeout);
  return { definition, target: kind.target(definition.spec), result };
}
