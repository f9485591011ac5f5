import type { TenantId } from '../model/index.js';
import type { Actor, Secrets } from '../state/index.js';
import { nopLogger, type Logger } from '../util/index.js';
import { secretAad, type SecretBox } from './box.js';
import { InvalidSecretError, SecretNotFoundError } from './errors.js';
import type { Keyring } from './keyring.js';
import { SECRET_PLACEHOLDER } from './redact.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** Largest secret value (a PEM private key with its chain fits; a file does not). */
export const MAX_SECRET_BYTES = 64 * 1024;

/** A secret as lists and API responses show it: never its value. */
export interface SecretInfo {
  name: string;
  updatedAt: number;
  value: typeof SECRET_PLACEHOLDER;
}

function checkName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new InvalidSecretError(
      `invalid secret name ${JSON.stringify(name)}: want 1-128 of [a-zA-Z0-9_.-], starting with a letter or digit`,
    );
  }
}

/**
 * Secrets of later features (SMTP passwords, webhook tokens, API keys of integrations):
 * sealed with the keyring's box before they reach the state store, so the database, its
 * backups and the audit trail only ever hold ciphertext. Values are write-only for users:
 * `list` shows `<secret>`; only `reveal` (for notifiers and checks, never an API route)
 * returns a value. Nothing here logs or puts a value into an error message.
 */
export class SecretService {
  readonly #box: SecretBox;

  constructor(
    private readonly state: { readonly secrets: Secrets },
    keyring: Keyring,
    private readonly logger: Logger = nopLogger,
  ) {
    this.#box = keyring.secretBox();
  }

  /** Creates or replaces a secret (audited by the store as `actor`, without the value). */
  async put(tenant: TenantId, name: string, plaintext: string, actor: Actor): Promise<void> {
    checkName(name);
    const bytes = Buffer.byteLength(plaintext, 'utf8');
    if (bytes === 0) throw new InvalidSecretError(`invalid secret ${name}: the value is empty`);
    if (bytes > MAX_SECRET_BYTES) {
      throw new InvalidSecretError(
        `invalid secret ${name}: the value is ${bytes} bytes, want at most ${MAX_SECRET_BYTES}`,
      );
    }
    const sealed = this.#box.seal(plaintext, secretAad(tenant, name));
    await this.state.secrets.put(tenant, name, sealed, actor);
    this.logger.info({ tenant, name, actor }, 'secret stored');
  }

  /**
   * The plaintext, for internal use only (notifiers, checks). Throws SecretNotFoundError, or
   * SecretOpenError when the row does not open under this key (another data dir's key, a
   * modified or moved ciphertext).
   */
  async reveal(tenant: TenantId, name: string): Promise<string> {
    checkName(name);
    const row = await this.state.secrets.get(tenant, name);
    if (row === undefined) {
      throw new SecretNotFoundError(
        `cannot reveal secret ${name}: tenant "${tenant}" has no secret of that name`,
      );
    }
    return this.#box.open(row.ciphertext, secretAad(tenant, name)).toString('utf8');
  }

  /** The tenant's secrets by name, values shown as `<secret>`. */
  async list(tenant: TenantId): Promise<SecretInfo[]> {
    const rows = await this.state.secrets.list(tenant);
    return rows.map((r) => ({ name: r.name, updatedAt: r.updatedAt, value: SECRET_PLACEHOLDER }));
  }

  /** Deletes a secret; false when there was none. */
  async delete(tenant: TenantId, name: string, actor: Actor): Promise<boolean> {
    checkName(name);
    const deleted = await this.state.secrets.delete(tenant, name, actor);
    if (deleted) this.logger.info({ tenant, name, actor }, 'secret deleted');
    return deleted;
  }
}
