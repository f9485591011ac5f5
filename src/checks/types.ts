/**
 * The check-kind plugin contract. A kind (http, tcp, dns, …) lives in its own folder
 * `src/checks/<kind>/` whose `index.ts` exports one `CheckKind`; `registry.ts` lists them all in
 * one table. The engine (scheduler, flap protection, metrics, history) is kind-agnostic: a kind
 * only validates its own fields and probes once.
 */
import { z } from 'zod';
import type { TenantId } from '../model/index.js';
import type { OutboundGuard } from '../net/index.js';

/**
 * A credential in a check definition. In argus.yml: the value itself (`password: s3cret`), a
 * file (`{file: /etc/argus/pg.pass}`) or a stored secret (`{secret: pg-password}`). Through the
 * API: a value (stored as a write-only secret and replaced by a reference) or `{secret: name}`;
 * files are refused (an API user must not read the server's files).
 */
export const secretRefSchema = z.union([
  z.string().min(1),
  z.object({ secret: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

/** One extra gauge a probe reports, named as blackbox_exporter names it. */
export interface ProbeMetric {
  /** e.g. `probe_http_status_code`, `probe_ssl_earliest_cert_expiry`. */
  readonly name: string;
  readonly value: number;
  /** Extra labels beyond the check's (e.g. `{phase: 'connect'}`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** HELP text for the first occurrence (the metrics writer records metadata). */
  readonly help?: string;
}

/** The outcome of one probe. A probe never throws: failures are results. */
export interface ProbeResult {
  readonly success: boolean;
  /** Wall time of the probe in seconds (blackbox's `probe_duration_seconds`). */
  readonly durationSeconds: number;
  /**
   * Why it failed, naming what was wrong and what was expected, e.g.
   * `status 503, want one of 200-299` or `body does not contain "ok"`. Absent on success.
   */
  readonly error?: string;
  /** blackbox_exporter-compatible gauges beyond probe_success / probe_duration_seconds. */
  readonly metrics: readonly ProbeMetric[];
  /** A few facts for the UI and `argus probe` (status code, resolved address, days left…). */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/** What the engine gives a kind for one probe. */
export interface ProbeContext {
  readonly tenant: TenantId;
  /**
   * The outbound guard to connect through: the API guard for checks created through the API/UI,
   * `guard.forConfigTargets()` for argus.yml checks. EVERY connection a kind makes (each
   * redirect hop included) goes through it: use `guardedRequest`/`guardedConnect`/
   * `guardedResolve` from `net`, or `guard.lookupFor(tenant)` + `guard.check()`.
   */
  readonly guard: OutboundGuard;
  /** Fires when the check's timeout passes (or the engine stops); abort what is in flight. */
  readonly signal: AbortSignal;
  /** The check's timeout in ms (the signal fires then). */
  readonly timeoutMs: number;
  /** Cap on bytes read from a response (the guard's `max_body_bytes` unless lower). */
  readonly maxBodyBytes: number;
  /** Resolves a credential; throws an Error naming the secret/file when it cannot. */
  secret(ref: SecretRef): Promise<string>;
  /** The clock (ms); tests inject one. */
  now(): number;
  /**
   * Instant PromQL query at `at` (ms) in the check's tenant, for the `promql` kind (checks do
   * not import promql; the server injects this). Returns the result series' labels and values.
   */
  query(expr: string, at: number): Promise<readonly QuerySample[]>;
  /** The heartbeat kind: pings received for this check (the engine records them). */
  readonly heartbeat: HeartbeatView;
}

export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Pings a heartbeat check received (ms; undefined = never since the check exists). */
export interface HeartbeatView {
  /** When the check was first scheduled (lateness before the first ping counts from here). */
  readonly since: number;
  readonly lastPing?: number;
  /** A `/start` ping not yet followed by a success or failure ping. */
  readonly lastStart?: number;
  /** The last `/fail` ping, and the body it carried (truncated). */
  readonly lastFail?: number;
  readonly lastFailMessage?: string;
}

/** A check kind plugin. `S` is the parsed kind-specific part of a definition. */
export interface CheckKind<S = unknown> {
  /** The `kind:` value, e.g. `http`. */
  readonly name: string;
  /** One line for docs and the UI. */
  readonly description: string;
  /**
   * The kind's own fields (a `z.object(...).strict()`: unknown keys are errors). Defaults are
   * applied here. The common fields (name, interval, timeout, …) are not part of it.
   */
  readonly schema: z.ZodType<S>;
  /** Names of fields in `S` (dotted paths) that hold SecretRefs: redacted in API answers. */
  readonly secretFields?: readonly string[];
  /**
   * The probed target as shown in the UI and as the metrics' `instance` label (a URL, host:port,
   * a name…). MUST NOT include credentials.
   */
  target(spec: S): string;
  /** Probes once. Never throws (a failure is `success: false` with `error`). */
  probe(spec: S, ctx: ProbeContext): Promise<ProbeResult>;
  /**
   * Defaults of common fields that suit this kind better than the general ones (e.g. a
   * heartbeat's `/fail` ping marks it down at once: `failure_threshold: 1`). The definition's
   * own values win.
   */
  readonly defaults?: { readonly failure_threshold?: number; readonly interval?: number };
  /**
   * true for kinds that do not reach out (heartbeat, promql): the engine does not count them
   * against the outbound concurrency cap.
   */
  readonly passive?: boolean;
}

/** Erases the spec type for the registry table (each kind validates its own spec). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogenous table of kinds
export type AnyCheckKind = CheckKind<any>;
