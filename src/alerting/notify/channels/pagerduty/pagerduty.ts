/**
 * PagerDuty Events API v2 (routing_key) and v1 (service_key), as Alertmanager sends them:
 * trigger while firing, resolve when resolved, and — Argus — acknowledge on an ack update.
 * The dedup key is the SHA-256 of the group key, so one incident per aggregation group.
 */
import type { z } from 'zod';
import type { pagerdutyConfig } from '../../../config/receivers-schema.js';
import { templateData, type TemplateData } from '../../../templates/data.js';
import type { Channel, DeliveryResult, Notification } from '../../types.js';
import { channelName, type ChannelContext } from '../context.js';
import { postJSON, secretOrFile } from '../http.js';
import { hashGroupKey } from '../payload.js';
import { field, type Field } from '../render.js';

export type PagerDutyConfig = z.output<typeof pagerdutyConfig>;

const V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
const V2_URL = 'https://events.pagerduty.com/v2/enqueue';
const MAX_SUMMARY = 1024;

/** Alertmanager's default custom details; the config's own keys win. */
const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

function truncate(s: string, n: number): string {
  const r = [...s];
  return r.length <= n ? s : r.slice(0, n - 1).join('') + '…';
}

export function eventAction(n: Notification): 'trigger' | 'acknowledge' | 'resolve' {
  if (n.status === 'resolved') return 'resolve';
  return n.ackUpdate ? 'acknowledge' : 'trigger';
}

export function createPagerDuty(cfg: PagerDutyConfig, ctx: ChannelContext): Channel {
  const name = channelName(ctx, 'pagerduty');
  const t = (text: string | undefined, def = '') => field(ctx.templates, text ?? def);
  const f = {
    description: t(cfg.description, '{{ template "pagerduty.default.description" . }}'),
    client: t(cfg.client, '{{ template "pagerduty.default.client" . }}'),
    clientURL: t(cfg.client_url, '{{ template "pagerduty.default.clientURL" . }}'),
    source: t(cfg.source, cfg.client ?? '{{ template "pagerduty.default.client" . }}'),
    severity: t(cfg.severity, 'error'),
    class: t(cfg.class),
    component: t(cfg.component),
    group: t(cfg.group),
  };
  // Strings are templates; other detail values (numbers, maps) go out as they are.
  const details: [string, unknown][] = Object.entries({
    ...DEFAULT_DETAILS,
    ...(cfg.details ?? {}),
  }).map(([k, v]) => [k, typeof v === 'string' ? field(ctx.templates, v) : v]);
  const links = (cfg.links ?? []).map((l) => ({ href: t(l.href), text: t(l.text) }));
  const images = (cfg.images ?? []).map((i) => ({ src: t(i.src), alt: t(i.alt), href: t(i.href) }));

  async function renderDetails(d: TemplateData): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of details) out[k] = typeof v === 'function' ? await (v as Field)(d) : v;
    return out;
  }

  return {
    kind: 'pagerduty',
    name,
    sendResolved: cfg.send_resolved,
    sendsAcks: true,
    async send(n, signal): Promise<DeliveryResult> {
      const d = templateData(n);
      let key: string | undefined;
      let body: string;
      let v1 = false;
      try {
        const routing = await secretOrFile(cfg.routing_key, cfg.routing_key_file);
        const service = await secretOrFile(cfg.service_key, cfg.service_key_file);
        v1 = routing === undefined && service !== undefined;
        key = routing ?? service;
        const dedup = hashGroupKey(n.groupKey);
        const action = eventAction(n);
        if (v1) {
          body = JSON.stringify({
            service_key: key,
            incident_key: dedup,
            event_type: action,
            description: truncate(await f.description(d), MAX_SUMMARY),
            client: (await f.client(d)) || undefined,
            client_url: (await f.clientURL(d)) || undefined,
            details: await renderDetails(d),
          });
        } else {
          const imgs = [];
          for (const i of images)
            imgs.push({
              src: await i.src(d),
              alt: (await i.alt(d)) || undefined,
              href: (await i.href(d)) || undefined,
            });
          const lnks = [];
          for (const l of links)
            lnks.push({ href: await l.href(d), text: (await l.text(d)) || undefined });
          body = JSON.stringify({
            routing_key: key,
            dedup_key: dedup,
            event_action: action,
            payload: {
              summary: truncate(await f.description(d), MAX_SUMMARY),
              source: await f.source(d),
              severity: await f.severity(d),
              class: (await f.class(d)) || undefined,
              component: (await f.component(d)) || undefined,
              group: (await f.group(d)) || undefined,
              custom_details: await renderDetails(d),
            },
            images: imgs.length ? imgs : undefined,
            links: lnks.length ? lnks : undefined,
            client: (await f.client(d)) || undefined,
            client_url: (await f.clientURL(d)) || undefined,
          });
        }
      } catch (err) {
        return {
          ok: false,
          retryable: false,
          error: `cannot notify ${name}: ${(err as Error).message}`,
        };
      }
      const url = v1 ? (cfg.url && cfg.url !== V2_URL ? cfg.url : V1_URL) : (cfg.url ?? V2_URL);
      const { result } = await postJSON(ctx, {
        url,
        secretURL: false,
        body,
        httpConfig: cfg.http_config,
        timeoutMs: cfg.timeout,
        signal,
        secrets: [key],
      });
      return result;
    },
  };
}
