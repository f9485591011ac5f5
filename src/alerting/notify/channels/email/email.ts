/**
 * Email over SMTP (nodemailer), every connection made by the outbound guard: implicit TLS on
 * port 465, STARTTLS required when `require_tls` (Alertmanager's default), AUTH PLAIN/LOGIN
 * (CRAM-MD5 with `auth_secret`), templated headers, HTML and text bodies. Messages of one
 * aggregation group thread together (`References` to a per-group id).
 */
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import nodemailer from 'nodemailer';
import type { z } from 'zod';
import {
  guardedConnect,
  OutboundBlockedError,
  InvalidDestinationError,
} from '../../../../net/index.js';
import type { emailConfig } from '../../../config/receivers-schema.js';
import { templateData } from '../../../templates/data.js';
import type { Channel, DeliveryResult } from '../../types.js';
import { channelName, type ChannelContext } from '../context.js';
import { secretOrFile } from '../http.js';
import { hashGroupKey } from '../payload.js';
import { Redactor } from '../redact.js';
import { field, fieldMap } from '../render.js';

export type EmailConfig = z.output<typeof emailConfig>;

/** `subject` → `Subject`, as Go's textproto canonicalizes header keys. */
function canonical(h: string): string {
  return h
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

function splitHostPort(hp: string): { host: string; port: number } {
  const i = hp.lastIndexOf(':');
  const host = hp.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(hp.slice(i + 1)) };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/** 4xx replies and network trouble are worth retrying; 5xx replies and refusals are not. */
function smtpResult(err: unknown, r: Redactor, name: string, aborted: boolean): DeliveryResult {
  const e = (err ?? {}) as SmtpError;
  // A reply code decides (5xx permanent, 4xx transient); without one, refusals and TLS or
  // auth trouble are configuration problems a retry will not fix.
  const permanent =
    e.responseCode !== undefined
      ? e.responseCode >= 500
      : err instanceof OutboundBlockedError ||
        err instanceof InvalidDestinationError ||
        e.code === 'EAUTH' ||
        e.code === 'ETLS';
  return {
    ok: false,
    retryable: aborted || !permanent,
    status: e.responseCode,
    error: r.apply(
      `cannot notify ${name}: ${aborted ? 'aborted: ' : ''}${e.message ?? String(err)}`,
    ),
  };
}

export function createEmail(cfg: EmailConfig, ctx: ChannelContext): Channel {
  const name = channelName(ctx, 'email');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.headers ?? {})) headers[canonical(k)] = v;
  headers.Subject ??= '{{ template "email.default.subject" . }}';
  headers.To ??= cfg.to ?? '';
  headers.From ??= cfg.from ?? '';
  const renderHeaders = fieldMap(ctx.templates, headers);
  const to = field(ctx.templates, cfg.to);
  const from = field(ctx.templates, cfg.from);
  const html = field(ctx.templates, cfg.html ?? '{{ template "email.default.html" . }}');
  const text = field(ctx.templates, cfg.text ?? '{{ template "email.default.text" . }}');
  const { host, port } = splitHostPort(cfg.smarthost ?? '');
  const implicitTLS = port === 465;
  const requireTLS = cfg.require_tls ?? true;

  return {
    kind: 'email',
    name,
    sendResolved: cfg.send_resolved,
    sendsAcks: false,
    async send(n, signal): Promise<DeliveryResult> {
      const r = new Redactor();
      let socket: Socket | undefined;
      const onAbort = () => socket?.destroy(new Error('aborted'));
      signal.addEventListener('abort', onAbort);
      try {
        if (signal.aborted) throw new Error('aborted before sending');
        const pass = await secretOrFile(cfg.auth_password, cfg.auth_password_file);
        const secret = await secretOrFile(cfg.auth_secret, cfg.auth_secret_file);
        r.value(pass).value(secret);
        const t = cfg.tls_config;
        const tls = {
          ca: t?.ca ?? (t?.ca_file ? await readFile(t.ca_file, 'utf8') : undefined),
          cert: t?.cert ?? (t?.cert_file ? await readFile(t.cert_file, 'utf8') : undefined),
          key: t?.key?.reveal() ?? (t?.key_file ? await readFile(t.key_file, 'utf8') : undefined),
          servername: t?.server_name || undefined,
          rejectUnauthorized: t?.insecure_skip_verify !== true,
        };
        const d = templateData(n);
        const h = await renderHeaders(d);
        const { Subject: subject, To: _to, From: _from, ...extra } = h;
        const user = cfg.auth_username;
        const transport = nodemailer.createTransport({
          host,
          port,
          secure: implicitTLS,
          requireTLS: !implicitTLS && requireTLS,
          ignoreTLS: !implicitTLS && !requireTLS,
          name: cfg.hello ?? ctx.global.smtp_hello,
          tls,
          auth:
            user && (pass !== undefined || secret !== undefined)
              ? pass !== undefined
                ? { user, pass }
                : { user, pass: secret, method: 'CRAM-MD5' }
              : undefined,
          connectionTimeout: ctx.guard.timeoutMs,
          greetingTimeout: ctx.guard.timeoutMs,
          socketTimeout: ctx.guard.timeoutMs,
          getSocket: (_opts, cb) => {
            guardedConnect(ctx.guard, host, port, {
              tenant: ctx.tenant,
              tls: implicitTLS ? { ...tls, servername: tls.servername ?? host } : undefined,
            }).then(
              (s) => {
                socket = s;
                if (signal.aborted) s.destroy(new Error('aborted'));
                cb(null, { connection: s, secured: implicitTLS });
              },
              (err: Error) => cb(err),
            );
          },
        });
        const thread = `<${hashGroupKey(n.groupKey).slice(0, 32)}@argus>`;
        const info = await transport.sendMail({
          from: h.From || (await from(d)),
          to: h.To || (await to(d)),
          subject,
          headers: extra,
          html: (await html(d)) || undefined,
          text: (await text(d)) || undefined,
          messageId: `<${n.id}.${Date.now().toString(36)}@argus>`,
          references: thread,
          inReplyTo: thread,
        });
        transport.close();
        const code = Number(/^\d{3}/.exec(info.response)?.[0] ?? 250);
        return { ok: true, retryable: false, status: code };
      } catch (err) {
        return smtpResult(err, r, name, signal.aborted);
      } finally {
        signal.removeEventListener('abort', onAbort);
        socket?.destroy();
      }
    },
  };
}
