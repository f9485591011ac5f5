/**
 * Slack: an incoming-webhook (or chat.postMessage with an app token) message with one
 * attachment, as Alertmanager posts it: title, link, text, color by status, fields, actions;
 * Argus adds an "Acknowledge" button when the notification has an ack link.
 */
import type { z } from 'zod';
import type { slackConfig } from '../../../config/receivers-schema.js';
import { templateData } from '../../../templates/data.js';
import type { Channel, DeliveryResult } from '../../types.js';
import { channelName, type ChannelContext } from '../context.js';
import { postJSON, secretOrFile } from '../http.js';
import { field } from '../render.js';

export type SlackConfig = z.output<typeof slackConfig>;

const POST_MESSAGE = 'https://slack.com/api/chat.postMessage';
const dflt = (name: string) => `{{ template "slack.default.${name}" . }}`;

function truncateRunes(s: string, n: number): string {
  const r = [...s];
  return r.length <= n ? s : r.slice(0, n - 1).join('') + '…';
}

export function createSlack(cfg: SlackConfig, ctx: ChannelContext): Channel {
  const name = channelName(ctx, 'slack');
  const t = (text: string | undefined, def: string) => field(ctx.templates, text ?? def);
  const f = {
    channel: t(cfg.channel, ''),
    username: t(cfg.username, dflt('username')),
    iconEmoji: t(cfg.icon_emoji, dflt('iconemoji')),
    iconURL: t(cfg.icon_url, dflt('iconurl')),
    title: t(cfg.title, dflt('title')),
    titleLink: t(cfg.title_link, dflt('titlelink')),
    pretext: t(cfg.pretext, dflt('pretext')),
    text: t(cfg.text, dflt('text')),
    fallback: t(cfg.fallback, dflt('fallback')),
    callbackID: t(cfg.callback_id, dflt('callbackid')),
    footer: t(cfg.footer, dflt('footer')),
    color: t(cfg.color, '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
    imageURL: t(cfg.image_url, ''),
    thumbURL: t(cfg.thumb_url, ''),
    fields: (cfg.fields ?? []).map((x) => ({
      title: t(x.title, ''),
      value: t(x.value, ''),
      short: x.short ?? cfg.short_fields ?? false,
    })),
    actions: (cfg.actions ?? []).map((a) => ({
      type: t(a.type, ''),
      text: t(a.text, ''),
      url: t(a.url, ''),
      style: t(a.style, ''),
      name: t(a.name, ''),
      value: t(a.value, ''),
      confirm: a.confirm,
    })),
  };
  return {
    kind: 'slack',
    name,
    sendResolved: cfg.send_resolved,
    sendsAcks: false,
    async send(n, signal): Promise<DeliveryResult> {
      const d = templateData(n);
      let url: string;
      let token: string | undefined;
      let body: string;
      try {
        token = await secretOrFile(cfg.app_token, cfg.app_token_file);
        url = (await secretOrFile(cfg.api_url, cfg.api_url_file)) ?? POST_MESSAGE;
        const fields = [];
        for (const x of f.fields)
          fields.push({ title: await x.title(d), value: await x.value(d), short: x.short });
        const actions = [];
        for (const a of f.actions)
          actions.push({
            type: await a.type(d),
            text: await a.text(d),
            url: (await a.url(d)) || undefined,
            style: (await a.style(d)) || undefined,
            name: (await a.name(d)) || undefined,
            value: (await a.value(d)) || undefined,
            confirm: a.confirm,
          });
        if (n.ackURL) actions.push({ type: 'button', text: 'Acknowledge', url: n.ackURL });
        const attachment = {
          title: truncateRunes(await f.title(d), 1024) || undefined,
          title_link: (await f.titleLink(d)) || undefined,
          pretext: (await f.pretext(d)) || undefined,
          text: (await f.text(d)) || undefined,
          fields: fields.length ? fields : undefined,
          actions: actions.length ? actions : undefined,
          image_url: (await f.imageURL(d)) || undefined,
          thumb_url: (await f.thumbURL(d)) || undefined,
          footer: (await f.footer(d)) || undefined,
          color: (await f.color(d)) || undefined,
          mrkdwn_in: cfg.mrkdwn_in ?? ['fallback', 'pretext', 'text'],
          fallback: (await f.fallback(d)) || undefined,
          callback_id: (await f.callbackID(d)) || undefined,
        };
        body = JSON.stringify({
          channel: (await f.channel(d)) || undefined,
          username: (await f.username(d)) || undefined,
          icon_emoji: (await f.iconEmoji(d)) || undefined,
          icon_url: (await f.iconURL(d)) || undefined,
          link_names: cfg.link_names || undefined,
          attachments: [attachment],
        });
      } catch (err) {
        return {
          ok: false,
          retryable: false,
          error: `cannot notify ${name}: ${(err as Error).message}`,
        };
      }
      const { result, response } = await postJSON(ctx, {
        url,
        secretURL: true,
        body,
        headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
        httpConfig: cfg.http_config,
        timeoutMs: cfg.timeout,
        signal,
        secrets: [token],
      });
      if (!result.ok || !response) return result;
      return slackAnswer(response.body.toString('utf8'), result.status, name);
    },
  };
}

/** The Web API answers 200 with `{"ok":false,"error":...}`; webhooks answer "ok". */
function slackAnswer(body: string, status: number | undefined, name: string): DeliveryResult {
  if (!body.trimStart().startsWith('{')) return { ok: true, retryable: false, status };
  try {
    const j = JSON.parse(body) as { ok?: boolean; error?: string };
    if (j.ok === false)
      return {
        ok: false,
        retryable: false,
        status,
        error: `cannot notify ${name}: Slack answered error ${JSON.stringify(String(j.error ?? '')).slice(0, 200)}`,
      };
  } catch {
    // not JSON after all: a 2xx is success
  }
  return { ok: true, retryable: false, status };
}
