/**
 * Telegram: the Bot API's `sendMessage` to `<api_url>/bot<token>/sendMessage`, as
 * Alertmanager sends it (chat_id, message thread, parse_mode, disable_notification). The
 * token is in the path, so errors never show the URL's path.
 */
import type { z } from 'zod';
import type { telegramConfig } from '../../../config/receivers-schema.js';
import { templateData } from '../../../templates/data.js';
import type { Channel, DeliveryResult } from '../../types.js';
import { channelName, type ChannelContext } from '../context.js';
import { postJSON, secretOrFile } from '../http.js';
import { field } from '../render.js';

export type TelegramConfig = z.output<typeof telegramConfig>;

/** Telegram refuses longer messages. */
const MAX_MESSAGE = 4096;

export function createTelegram(cfg: TelegramConfig, ctx: ChannelContext): Channel {
  const name = channelName(ctx, 'telegram');
  const message = field(
    ctx.templates,
    cfg.message ?? '{{ template "telegram.default.message" . }}',
  );
  return {
    kind: 'telegram',
    name,
    sendResolved: cfg.send_resolved,
    sendsAcks: false,
    async send(n, signal): Promise<DeliveryResult> {
      let token: string | undefined;
      let body: string;
      try {
        token = await secretOrFile(cfg.bot_token, cfg.bot_token_file);
        const r = [...(await message(templateData(n)))];
        const text =
          r.length > MAX_MESSAGE ? r.slice(0, MAX_MESSAGE - 1).join('') + '…' : r.join('');
        body = JSON.stringify({
          chat_id: cfg.chat_id,
          message_thread_id: cfg.message_thread_id || undefined,
          text,
          parse_mode: cfg.parse_mode || undefined,
          disable_notification: cfg.disable_notifications ?? false,
        });
      } catch (err) {
        return {
          ok: false,
          retryable: false,
          error: `cannot notify ${name}: ${(err as Error).message}`,
        };
      }
      const base = (cfg.api_url ?? ctx.global.telegram_api_url).replace(/\/+$/, '');
      const { result } = await postJSON(ctx, {
        url: `${base}/bot${token ?? ''}/sendMessage`,
        secretURL: true,
        body,
        httpConfig: cfg.http_config,
        signal,
        secrets: [token],
      });
      return result;
    },
  };
}
