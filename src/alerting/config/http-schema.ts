import { z } from 'zod';
import { zSecret } from './secret.js';

const tlsConfig = z
  .object({
    ca: z.string().optional(),
    ca_file: z.string().optional(),
    cert: z.string().optional(),
    cert_file: z.string().optional(),
    key: zSecret.optional(),
    key_file: z.string().optional(),
    server_name: z.string().optional(),
    insecure_skip_verify: z.boolean().optional(),
    min_version: z.string().optional(),
    max_version: z.string().optional(),
  })
  .strict();

const oauth2 = z
  .object({
    client_id: z.string().optional(),
    client_secret: zSecret.optional(),
    client_secret_file: z.string().optional(),
    scopes: z.array(z.string()).optional(),
    token_url: z.string(),
    endpoint_params: z.record(z.string(), z.string()).optional(),
    tls_config: tlsConfig.optional(),
    proxy_url: z.string().optional(),
    no_proxy: z.string().optional(),
    proxy_from_environment: z.boolean().optional(),
    proxy_connect_header: z.record(z.string(), z.array(z.string())).optional(),
  })
  .strict();

/** Prometheus common's HTTPClientConfig, as every HTTP integration and `global` accept it. */
export const httpConfig = z
  .object({
    authorization: z
      .object({
        type: z.string().optional(),
        credentials: zSecret.optional(),
        credentials_file: z.string().optional(),
      })
      .strict()
      .optional(),
    basic_auth: z
      .object({
        username: z.string().optional(),
        username_file: z.string().optional(),
        password: zSecret.optional(),
        password_file: z.string().optional(),
      })
      .strict()
      .optional(),
    oauth2: oauth2.optional(),
    bearer_token: zSecret.optional(),
    bearer_token_file: z.string().optional(),
    proxy_url: z.string().optional(),
    no_proxy: z.string().optional(),
    proxy_from_environment: z.boolean().optional(),
    proxy_connect_header: z.record(z.string(), z.array(z.string())).optional(),
    tls_config: tlsConfig.optional(),
    follow_redirects: z.boolean().optional(),
    enable_http2: z.boolean().optional(),
    http_headers: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const bearer = c.bearer_token !== undefined || c.bearer_token_file !== undefined;
    const n = [c.basic_auth, c.oauth2, c.authorization].filter((x) => x !== undefined).length;
    if (c.bearer_token !== undefined && c.bearer_token_file !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'at most one of bearer_token & bearer_token_file must be configured',
      });
    if (n + (bearer ? 1 : 0) > 1)
      ctx.addIssue({
        code: 'custom',
        message:
          'at most one of basic_auth, oauth2, authorization, bearer_token & bearer_token_file must be configured',
      });
  });

export { tlsConfig };
export type HttpConfig = z.output<typeof httpConfig>;
