/**
 * Test helpers of `checks`: a fake kind whose probes a test controls, and definitions built
 * without the parser (so engine tests may use intervals shorter than the 1 s minimum).
 */
import { z } from 'zod';
import type { CheckDefinition } from './definition.js';
import {
  secretRefSchema,
  type CheckKind,
  type ProbeContext,
  type ProbeResult,
  type SecretRef,
} from './types.js';

export interface FakeSpec {
  target: string;
  password?: SecretRef;
}

/** A kind named `name` whose probe is `behave` (default: succeed at once). */
export class FakeKind implements CheckKind<FakeSpec> {
  readonly description = 'a kind whose probes the test controls';
  readonly schema = z
    .object({ target: z.string().default('fake'), password: secretRefSchema.optional() })
    .strict();
  readonly secretFields = ['password'];
  calls = 0;
  active = 0;
  maxActive = 0;
  /** Per check target: the most probes of one target in flight at once. */
  readonly maxActiveByTarget = new Map<string, number>();
  private readonly activeByTarget = new Map<string, number>();

  constructor(
    readonly name = 'fake',
    public behave: (spec: FakeSpec, ctx: ProbeContext) => Promise<ProbeResult> = () =>
      Promise.resolve(ok()),
    readonly passive = false,
  ) {}

  target(spec: FakeSpec): string {
    return spec.target;
  }

  async probe(spec: FakeSpec, ctx: ProbeContext): Promise<ProbeResult> {
    this.calls++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const n = (this.activeByTarget.get(spec.target) ?? 0) + 1;
    this.activeByTarget.set(spec.target, n);
    this.maxActiveByTarget.set(
      spec.target,
      Math.max(n, this.maxActiveByTarget.get(spec.target) ?? 0),
    );
    try {
      return await this.behave(spec, ctx);
    } finally {
      this.active--;
      this.activeByTarget.set(spec.target, (this.activeByTarget.get(spec.target) ?? 1) - 1);
    }
  }
}

export const ok = (metrics: ProbeResult['metrics'] = []): ProbeResult => ({
  success: true,
  durationSeconds: 0.001,
  metrics,
});

export const failed = (error = 'boom'): ProbeResult => ({
  success: false,
  durationSeconds: 0.002,
  error,
  metrics: [],
});

/** A definition as the parser would return it, with test-friendly defaults. */
export function testDefinition(over: Partial<CheckDefinition> & { name: string }): CheckDefinition {
  return {
    kind: 'fake',
    description: '',
    interval: 60_000,
    timeout: 1000,
    jitter: 0,
    failure_threshold: 1,
    success_threshold: 1,
    severity: 'critical',
    labels: {},
    enabled: true,
    spec: { target: over.name },
    ...over,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until `cond` holds. */
export async function eventually(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
