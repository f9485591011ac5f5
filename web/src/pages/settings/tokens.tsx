import { listTokens } from '../../api/access.js';
import type { Principal } from '../../api/types.js';
import { TokenTable } from './token-table.js';
import { useLoad } from './use-load.js';

/** Settings › Tokens: every API token of the tenant (all users and service accounts). */
export function TokensSection({ principal }: { principal: Principal }) {
  const tokens = useLoad(() => listTokens(true));
  return (
    <div class="card">
      <h2>API tokens of tenant {principal.tenant}</h2>
      <p class="muted small">
        Create your own tokens on your Account page. A revoked token stops working at once.
      </p>
      {tokens.error && (
        <p class="error" role="alert">
          {tokens.error}
        </p>
      )}
      {tokens.data && <TokenTable tokens={tokens.data} showUser onChanged={tokens.reload} />}
    </div>
  );
}
