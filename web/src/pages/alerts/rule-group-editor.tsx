/**
 * Creating and editing a rule group managed through the API: the group as it would sit in a
 * rule file (YAML), checked by the server exactly like a rule file; its errors (with the rule
 * and position) show in the dialog, which stays open.
 */
import { useEffect, useState } from 'preact/hooks';
import { managedRuleGroup, saveRuleGroup } from '../../api/alerting.js';
import { Dialog } from './common.js';

const TEMPLATE = `interval: 1m
rules:
  - alert: InstanceDown
    expr: up == 0
    for: 5m
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} is down"
`;

export function RuleGroupEditor(p: {
  /** Undefined: a new group. */
  name?: string;
  onSaved(name: string): void;
  onClose(): void;
}) {
  const [name, setName] = useState(p.name ?? '');
  const [yaml, setYaml] = useState(p.name === undefined ? TEMPLATE : '');
  const [version, setVersion] = useState<number>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    if (p.name === undefined) return;
    const ctl = new AbortController();
    managedRuleGroup(p.name, ctl.signal).then(
      (g) => {
        // The stored YAML names the group; the name is edited in its own field.
        setYaml((g.yaml ?? '').replace(/^name: .*\n/, ''));
        setVersion(g.version);
      },
      (e: unknown) => !ctl.signal.aborted && setLoadError(String(e)),
    );
    return () => ctl.abort();
  }, [p.name]);
  return (
    <Dialog
      title={p.name === undefined ? 'New rule group' : `Edit rule group ${p.name}`}
      confirmLabel="Save"
      onClose={p.onClose}
      onConfirm={async () => {
        const n = name.trim();
        if (n === '') throw new Error('The group needs a name.');
        await saveRuleGroup(n, yaml, version);
        p.onSaved(n);
      }}
    >
      {loadError !== undefined && (
        <p class="error" role="alert">
          Cannot load the group: {loadError}
        </p>
      )}
      <label>
        Name
        <input
          value={name}
          readOnly={p.name !== undefined}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Group (rule-file YAML: interval, rules…)
        <textarea
          class="mono rule-yaml"
          rows={16}
          spellcheck={false}
          value={yaml}
          onInput={(e) => setYaml(e.currentTarget.value)}
        />
      </label>
      <p class="muted small">
        Checked like a rule file (expressions, names, templates); evaluated as soon as it is saved.
        Saving over someone else’s newer version is refused.
      </p>
    </Dialog>
  );
}
