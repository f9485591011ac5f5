/**
 * The notification as templates see it: Alertmanager's template `Data` (Go field names, KV
 * label sets with `.SortedPairs`/`.Names`/`.Values`, `.Alerts.Firing`, time.Time values) plus
 * Argus's `.AckURL`.
 */
import { AlertList, GoTime, KV, ZERO_TIME } from '../../template/index.js';
import type { Notification, NotifyAlert } from '../notify/types.js';

const goTime = (ms: number): GoTime => (ms === 0 ? ZERO_TIME : new GoTime(ms));

/**
 * A link templates may put in an href: http(s) or a path. Anything else (`javascript:`, `data:`)
 * from a posted alert becomes "" — Alertmanager's html/template neutralises such URLs too.
 */
export function safeLink(url: string): string {
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? url : '';
  } catch {
    return '';
  }
}

/** One alert (Alertmanager's template `Alert`). */
export class TemplateAlert {
  readonly Status: string;
  readonly Labels: KV;
  readonly Annotations: KV;
  readonly StartsAt: GoTime;
  readonly EndsAt: GoTime;
  readonly GeneratorURL: string;
  readonly Fingerprint: string;
  constructor(a: NotifyAlert) {
    this.Status = a.status;
    this.Labels = KV.from(a.labels);
    this.Annotations = KV.from(a.annotations);
    this.StartsAt = goTime(a.startsAt);
    this.EndsAt = goTime(a.endsAt);
    this.GeneratorURL = safeLink(a.generatorURL);
    this.Fingerprint = a.fingerprint;
  }
}

/** The whole notification (Alertmanager's template `Data`). */
export class TemplateData {
  readonly Receiver: string;
  readonly Status: string;
  readonly Alerts: AlertList<TemplateAlert>;
  readonly GroupLabels: KV;
  readonly CommonLabels: KV;
  readonly CommonAnnotations: KV;
  readonly ExternalURL: string;
  /** Argus: the one-click acknowledge link ("" when there is none). */
  readonly AckURL: string;
  /** Argus: this notification reports an acknowledgement. */
  readonly AckUpdate: boolean;
  /** Argus: the escalation level that sent it (0 = the route's own receiver). */
  readonly EscalationLevel: number;
  readonly GroupKey: string;
  constructor(n: Notification) {
    this.Receiver = n.receiver;
    this.Status = n.status;
    this.Alerts = new AlertList<TemplateAlert>();
    this.Alerts.push(...n.alerts.map((a) => new TemplateAlert(a)));
    this.GroupLabels = KV.from(n.groupLabels);
    this.CommonLabels = KV.from(n.commonLabels);
    this.CommonAnnotations = KV.from(n.commonAnnotations);
    this.ExternalURL = n.externalURL;
    this.AckURL = n.ackURL ?? '';
    this.AckUpdate = n.ackUpdate;
    this.EscalationLevel = n.escalationLevel;
    this.GroupKey = n.groupKey;
  }
}

export function templateData(n: Notification): TemplateData {
  return new TemplateData(n);
}
