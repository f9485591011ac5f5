import { Fragment } from 'preact';
import { tenantLimits } from '../../api/access.js';
import type { Principal } from '../../api/types.js';
import { useLoad } from './use-load.js';

/** Settings › Limits: the tenant's effective limits, read-only (they come from argus.yml). */
export function LimitsSection({ principal }: { principal: Principal }) {
  const limits = useLoad(tenantLimits);
  return (
    <div class="card">
      <h2>Limits of tenant {principal.tenant}</h2>
      <p class="muted small">
        Read-only: limits come from the <code>limits</code> section of argus.yml (defaults and
        per-tenant overrides) and change on a configuration reload.
      </p>
      {limits.error && (
        <p class="error" role="alert">
          {limits.error}
        </p>
      )}
      {limits.data && (
        <dl class="kv" aria-label="Limits">
          {Object.entries(limits.data).map(([k, v]) => (
            <Fragment key={k}>
              <dt class="mono">{k}</dt>
              <dd class="mono">{v.toLocaleString()}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </div>
  );
}
