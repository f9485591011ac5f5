/**
 * Microsoft Teams, as Alertmanager posts it: a MessageCard to an Office 365 connector
 * (`msteams_configs`) or an Adaptive Card through a Power Automate workflow
 * (`msteamsv2_configs`). The title is coloured by status; the ack link is in the text.
 */
import type { z } from 'zod';
import type { msteamsConfig, msteamsV2Config } from '../../../config/receivers-schema.js';
import { templateData } from '../../../templates/data.js';
import type { Channel, DeliveryResult, Notification } from '../../types.js';
import { channelName, type ChannelContext } from '../context.js';
import { postJSON, secretOrFile } from '../http.js';
import { field } from '../render.js';

export type MSTeamsConfig = z.output<typeof msteamsConfig>;
export type MSTeamsV2Config = z.output<typeof msteamsV2Config>;

const CARD_COLOR = { firing: '8C1A1A', resolved: '2DC72D' } as const;
const ADAPTIVE_COLOR = { firing: 'Attention', resolved: 'Good' } as const;

type Build = (n: Notification) => Promise<unknown>;

function teamsChannel(
  kind: string,
  cfg: MSTeamsConfig | MSTeamsV2Config,
  ctx: ChannelContext,
  build: Build,
): Channel {
  const name = channelName(ctx, kind);
  return {
    kind,
    name,
    sendResolved: cfg.send_resolved,
    sendsAcks: false,
    async send(n, signal): Promise<DeliveryResult> {
      let url: string;
      let body: string;
      try {
        url = (await secretOrFile(cfg.webhook_url, cfg.webhook_url_file)) ?? '';
        body = JSON.stringify(await build(n));
      } catch (err) {
        return {
          ok: false,
          retryable: false,
          error: `cannot notify ${name}: ${(err as Error).message}`,
        };
      }
      const { result } = await postJSON(ctx, {
        url,
        secretURL: true,
        body,
        httpConfig: cfg.http_config,
        signal,
      });
      return result;
    },
  };
}

export function createMSTeams(cfg: MSTeamsConfig, ctx: ChannelContext): Channel {
  const title = field(ctx.templates, cfg.title ?? '{{ template "msteams.default.title" . }}');
  const summary = field(ctx.templates, cfg.summary ?? '{{ template "msteams.default.summary" . }}');
  const text = field(ctx.templates, cfg.text ?? '{{ template "msteams.default.text" . }}');
  return teamsChannel('msteams', cfg, ctx, async (n) => {
    const d = templateData(n);
    return {
      '@context': 'http://schema.org/extensions',
      type: 'MessageCard',
      title: await title(d),
      summary: await summary(d),
      text: await text(d),
      themeColor: CARD_COLOR[n.status],
    };
  });
}

export function createMSTeamsV2(cfg: MSTeamsV2Config, ctx: ChannelContext): Channel {
  const title = field(ctx.templates, cfg.title ?? '{{ template "msteamsv2.default.title" . }}');
  const text = field(ctx.templates, cfg.text ?? '{{ template "msteamsv2.default.text" . }}');
  return teamsChannel('msteamsv2', cfg, ctx, async (n) => {
    const d = templateData(n);
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              {
                type: 'TextBlock',
                text: await title(d),
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                style: 'heading',
                color: ADAPTIVE_COLOR[n.status],
              },
              { type: 'TextBlock', text: await text(d), wrap: true },
            ],
            msteams: { width: 'full' },
          },
        },
      ],
    };
  });
}
