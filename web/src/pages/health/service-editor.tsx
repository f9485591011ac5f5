/**
 * Create or edit an API service in a dialog: name, description, checks and dependencies
 * (checkbox lists of what exists), public toggle, SLO target. Fields the form does not show
 * (labels, severity…) are kept from the definition. The server's refusal (a dependency cycle
 * "a → b → a", an unknown check) is shown in the dialog.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  checks as listChecks,
  saveService,
  services as listServices,
  type ServiceView,
} from '../../api/health.js';
import { nameProblem } from '../../lib/health/definition.js';
import { Dialog, errorText } from '../alerts/common.js';

export interface ServiceEditorProps {
  existing?: ServiceView;
  onSaved(s: ServiceView): void;
  onClose(): void;
}

function Picker(p: {
  legend: string;
  options: string[];
  picked: string[];
  onChange(v: string[]): void;
}) {
  return (
    <fieldset class="hs-picker">
      <legend>{p.legend}</legend>
      {p.options.length === 0 && <p class="muted small">None yet.</p>}
      {p.options.map((o) => (
        <label key={o} class="check">
          <input
            type="checkbox"
            checked={p.picked.includes(o)}
            onChange={(e) =>
              p.onChange(
                e.currentTarget.checked ? [...p.picked, o] : p.picked.filter((x) => x !== o),
              )
            }
          />
          {o}
        </label>
      ))}
    </fieldset>
  );
}

export function ServiceEditor(p: ServiceEditorProps) {
  const ex = p.existing;
  const [name, setName] = useState(ex?.name ?? '');
  const [description, setDescription] = useState(ex?.description ?? '');
  const [checks, setChecks] = useState<string[]>(ex?.checks.map((c) => c.name) ?? []);
  const [deps, setDeps] = useState<string[]>(ex?.depends_on ?? []);
  const [isPublic, setPublic] = useState(ex?.public ?? false);
  const [sloTarget, setSloTarget] = useState(ex?.slo ? String(ex.slo.target) : '');
  const [options, setOptions] = useState<{ checks: string[]; services: string[] }>({
    checks: [],
    services: [],
  });
  useEffect(() => {
    const ctl = new AbortController();
    Promise.all([listChecks(ctl.signal), listServices(ctl.signal)]).then(
      ([c, s]) =>
        setOptions({
          checks: c.map((x) => x.name).sort(),
          services: s
            .map((x) => x.name)
            .filter((n) => n !== ex?.name)
            .sort(),
        }),
      () => undefined,
    );
    return () => ctl.abort();
  }, []);

  const save = async () => {
    const n = name.trim();
    const np = ex ? undefined : nameProblem(n);
    if (np) throw new Error(`Name: ${np}.`);
    const def: Record<string, unknown> = { ...(ex?.definition ?? {}), name: n };
    def.description = description.trim();
    def.checks = checks;
    def.depends_on = deps;
    def.public = isPublic;
    const t = sloTarget.trim();
    if (t === '') delete def.slo;
    else {
      const v = Number(t);
      if (!Number.isFinite(v) || v <= 0 || v >= 100)
        throw new Error('SLO target: a percentage between 0 and 100, like 99.9.');
      const old = typeof def.slo === 'object' && def.slo !== null ? def.slo : {};
      def.slo = { ...old, target: v };
    }
    p.onSaved(await saveService(n, def, ex?.version));
  };

  return (
    <Dialog
      title={ex ? `Edit service ${ex.name}` : 'New service'}
      confirmLabel="Save"
      onConfirm={save}
      onClose={p.onClose}
    >
      <label class="field">
        <span>Name</span>
        <input
          type="text"
          value={name}
          required
          maxLength={63}
          disabled={ex !== undefined}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>Description</span>
        <input
          type="text"
          value={description}
          maxLength={1000}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      <Picker legend="Checks" options={options.checks} picked={checks} onChange={setChecks} />
      <Picker legend="Depends on" options={options.services} picked={deps} onChange={setDeps} />
      <label class="check">
        <input
          type="checkbox"
          checked={isPublic}
          onChange={(e) => setPublic(e.currentTarget.checked)}
        />
        Public (shown on the status page)
      </label>
      <label class="field">
        <span>SLO target % (optional)</span>
        <input
          type="text"
          inputMode="decimal"
          placeholder="99.9"
          value={sloTarget}
          onInput={(e) => setSloTarget(e.currentTarget.value)}
        />
      </label>
    </Dialog>
  );
}
