/** What every channel factory is given, and the per-kind factory shape the registry holds. */
import type { OutboundGuard } from '../../../net/index.js';
import type { TemplateSet } from '../../../template/index.js';
import type { Secret } from '../../config/secret.js';
import type { GlobalConfig } from '../../config/schema.js';
import type { Channel } from '../types.js';

export interface ChannelContext {
  /** The receiver's name (channel names are `<receiver>/<kind>[<index>]`). */
  readonly receiver: string;
  /** The integration's position in its list (`webhook_configs[1]` → 1). */
  readonly index: number;
  readonly global: GlobalConfig;
  /**
   * The outbound guard every request and SMTP connection goes through. Destinations in the
   * Alertmanager config are the operator's: pass `guard.forConfigTargets()` for those.
   */
  readonly guard: OutboundGuard;
  /** Argus's default templates plus the config's `templates` files (loadTemplateSet). */
  readonly templates: TemplateSet;
  /** Whose outbound allow-list applies. */
  readonly tenant?: string;
  /** Something worth an operator's attention that is not a delivery result. */
  readonly log?: (level: 'warn' | 'info', msg: string) => void;
  readonly now?: () => number;
  /**
   * Argus: the HMAC key for `X-Argus-Signature` on every webhook of this receiver, until the
   * webhook config carries its own `signing_secret` (see docs/user/alerting.md).
   */
  readonly webhookSigningSecret?: Secret;
}

/** One registry row: the config list it reads and how to build a channel from one entry. */
export interface ChannelFactory<C = unknown> {
  readonly configKey: string;
  create(cfg: C, ctx: ChannelContext): Channel;
}

/** `ops/webhook[1]`. */
export function channelName(ctx: ChannelContext, kind: string): string {
  return `${ctx.receiver}/${kind}[${ctx.index}]`;
}
