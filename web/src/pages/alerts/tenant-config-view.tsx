/**
 * "Configuration": the tenant's Alertmanager config as YAML (secrets as `<secret>`, which a
 * save keeps), editable by admins, with "Reset to file config" when the tenant has its own.
 * The server checks a save like a config file (plus the API's limits) and lists its problems.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  resetTenantConfig,
  saveTenantConfig,
  type TenantConfig,
} from '../../api/alertmanager-config.js';
import { ApiError } from '../../api/client.js';
import { Dialog, errorText } from './common.js';
import './escalation-editor.css';

const SOURCE_TEXT: Record<TenantConfig['source'], string> = {
  tenant: "This tenant's own configuration",
  file: 'The configuration from argus.yml (shared by tenants without their own)',
  'built-in': 'No Alertmanager configuration: alerts are kept and listed, not sent',
};

export function TenantConfigView(p: { config: TenantConfig; admin: boolean; onSaved(): void }) {
  const { config } = p;
  const [yaml, setYaml] = useState(config.yaml);
  const [errors, setErrors] = useState<string[]>();
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  useEffect(() => {
    setYaml(config.yaml);
    setConflict(false);
  }, [config.yaml, config.version]);

  const save = async () => {
    setBusy(true);
    setErrors(undefined);
    setConflict(false);
    try {
      await saveTenantConfig(yaml, config.source === 'tenant' ? config.version : undefined);
      p.onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(true);
      const lines = errorText(e).split('\n');
      setErrors(lines[0] === 'invalid alertmanager config:' ? lines.slice(1) : lines);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-label="Configuration">
      <h2>Configuration</h2>
      <p class="small">
        <span class="badge">{config.source}</span> {SOURCE_TEXT[config.source]}
        {config.version !== undefined &&
          ` — version ${config.version}${config.updated_by ? `, saved by ${config.updated_by}` : ''}`}
      </p>
      <label>
        Alertmanager configuration (YAML)
        <textarea
          class="mono config-yaml"
          rows={18}
          spellcheck={false}
          readOnly={!p.admin}
          value={yaml}
          onInput={(e) => setYaml(e.currentTarget.value)}
        />
      </label>
      <p class="muted small">
        Secrets show as &lt;secret&gt;; leaving one as is keeps the stored value. Template files,
        other server files and private destinations are refused here.
      </p>
      {errors !== undefined && (
        <ul class="error config-errors" role="alert" aria-label="Configuration errors">
          {errors.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {conflict && (
        <button type="button" onClick={p.onSaved}>
          Reload (discards your changes)
        </button>
      )}
      {p.admin && (
        <div class="toolbar">
          <button
            type="button"
            class="primary"
            disabled={busy || yaml === config.yaml}
            onClick={() => void save()}
          >
            {busy ? 'Saving…' : 'Save configuration'}
          </button>
          {config.source === 'tenant' && (
            <button type="button" class="danger" onClick={() => setConfirmReset(true)}>
              Reset to file config
            </button>
          )}
        </div>
      )}
      {!p.admin && <p class="muted small">Only administrators can change the configuration.</p>}
      {confirmReset && (
        <Dialog
          title="Reset to file config"
          confirmLabel="Reset"
          danger
          onClose={() => setConfirmReset(false)}
          onConfirm={async () => {
            await resetTenantConfig();
            p.onSaved();
          }}
        >
          <p>
            This tenant’s own configuration (receivers, routes, escalation policies) is deleted; it
            uses the configuration from argus.yml again, at once.
          </p>
        </Dialog>
      )}
    </section>
  );
}
