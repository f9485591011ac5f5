import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretKey, redactSecrets, SECRET_PLACEHOLDER } from './index.js';

describe('isSecretKey', () => {
  const secret = [
    'password',
    'Password',
    'smtp_password',
    'auth_password',
    'passwd',
    'passphrase',
    'secret',
    'client_secret',
    'clientSecret',
    'token',
    'bearer_token',
    'csrfToken',
    'X-Auth-Token',
    'api_key',
    'apiKey',
    'api-key',
    'APIKEY',
    'routing_api_key',
    'authorization',
    'Authorization',
    'credentials',
    'credential',
    'private_key',
    'access_key',
    'secret_access_key',
    'cookie',
    'set-cookie',
  ];
  const plain = [
    'name',
    'username',
    'url',
    'host',
    'tokens',
    'token_id',
    'tokenId',
    'token_name',
    'password_changed_at',
    'passwordChangedAt',
    'password_file',
    'secret_name',
    'credentials_file',
    'scope',
    'token_scope',
    'author',
    'keyword',
    'tokenizer',
    'secretary',
    'cookie_secure',
    '',
  ];
  for (const k of secret)
    it(`treats ${JSON.stringify(k)} as secret`, () => assert.ok(isSecretKey(k)));
  for (const k of plain)
    it(`treats ${JSON.stringify(k)} as plain`, () => assert.equal(isSecretKey(k), false));
});

describe('redactSecrets', () => {
  it('replaces secret values at any depth, in arrays, and passwords in URLs', () => {
    const input = {
      name: 'ops',
      smtp: { host: 'mail', password: 'hunter2', auth: { token: { nested: 'x' } } },
      receivers: [
        { url: 'https://user:pa55@hooks.example/x?y=1', headers: { Authorization: 'Bearer abc' } },
        { url: 'https://hooks.example/plain' },
      ],
      api_key: 12345,
      password_changed_at: 1700000000000,
      token: null,
      secret: undefined,
    };
    const copy = structuredClone(input);
    assert.deepEqual(redactSecrets(input), {
      name: 'ops',
      smtp: { host: 'mail', password: SECRET_PLACEHOLDER, auth: { token: SECRET_PLACEHOLDER } },
      receivers: [
        {
          url: 'https://user:<secret>@hooks.example/x?y=1',
          headers: { Authorization: SECRET_PLACEHOLDER },
        },
        { url: 'https://hooks.example/plain' },
      ],
      api_key: SECRET_PLACEHOLDER,
      password_changed_at: 1700000000000,
      token: null,
      secret: undefined,
    });
    assert.deepEqual(input, copy, 'input unchanged');
  });

  it('redacts extra exact keys and leaves scalars, non-URL strings and class instances alone', () => {
    assert.deepEqual(redactSecrets({ pin: '1234', other: 'x' }, ['pin']), {
      pin: SECRET_PLACEHOLDER,
      other: 'x',
    });
    assert.equal(redactSecrets('just text @ home'), 'just text @ home');
    assert.equal(redactSecrets('mailto://a@b'), 'mailto://a@b');
    assert.equal(redactSecrets('http://[bad@'), 'http://[bad@');
    assert.equal(redactSecrets(42), 42);
    assert.equal(redactSecrets(null), null);
    const d = new Date(0);
    assert.equal(redactSecrets({ d }).d, d);
  });

  it('survives cycles and repeated (non-cyclic) references', () => {
    const shared = { password: 'p' };
    const o: Record<string, unknown> = { a: shared, b: shared };
    o.self = o;
    const out = redactSecrets(o);
    assert.deepEqual(out.a, { password: SECRET_PLACEHOLDER });
    assert.deepEqual(out.b, { password: SECRET_PLACEHOLDER });
    assert.equal(out.self, '[Circular]');
    const arr: unknown[] = [1];
    arr.push(arr);
    assert.deepEqual(redactSecrets(arr), [1, '[Circular]']);
  });
});
