/**
 * Create or edit an API check in a dialog: kind (from /checks/kinds), the common fields, and
 * the kind's own fields as YAML (JSON is YAML too) prefilled with an example. "Test" probes the
 * unsaved definition once (`POST /checks/try`); Save PUTs it (with the version when editing).
 * The server's problems are shown beside the common field they name, the rest in a list.
 */
import { useEffect, useState } from 'preact/hooks';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import {
  checkKinds,
  saveCheck,
  tryCheck,
  type CheckRunView,
  type CheckView,
  type KindInfo,
} from '../../api/health.js';
import {
  buildDefinition,
  EMPTY_COMMON,
  kindExample,
  nameProblem,
  sortProblems,
  splitDefinition,
  type CommonForm,
  type Problems,
} from '../../lib/health/definition.js';
import { Dialog, errorText } from '../alerts/common.js';
import { RunResult } from './run-result.js';

export interface CheckEditorProps {
  /** The check being edited (undefined: a new one). */
  existing?: CheckView;
  onSaved(c: CheckView): void;
  onClose(): void;
}

function FieldProblems({ list }: { list: string[] | undefined }) {
  if (!list || list.length === 0) return null;
  return (
    <ul class="error small field-problems" role="alert">
      {list.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

export function CheckEditor(p: CheckEditorProps) {
  const initial = p.existing ? splitDefinition(p.existing.definition) : undefined;
  const [form, setForm] = useState<CommonForm>(initial?.common ?? EMPTY_COMMON);
  const [specText, setSpecText] = useState(() =>
    initial ? toYaml(initial.spec) : kindExample(EMPTY_COMMON.kind),
  );
  const [specTouched, setSpecTouched] = useState(initial !== undefined);
  const [kinds, setKinds] = useState<KindInfo[]>();
  const [problems, setProblems] = useState<Problems>({});
  const [tested, setTested] = useState<{ run?: CheckRunView; error?: string; busy?: boolean }>({});
  useEffect(() => {
    const ctl = new AbortController();
    checkKinds(ctl.signal).then(setKinds, () => setKinds([]));
    return () => ctl.abort();
  }, []);

  const set = (k: keyof CommonForm, v: string) => setForm({ ...form, [k]: v });
  const pickKind = (kind: string) => {
    setForm({ ...form, kind });
    // The example follows the kind until the user has written something of their own.
    if (!specTouched) setSpecText(kindExample(kind));
  };

  /** The definition, or the problems found before asking the server. */
  const assemble = (): Record<string, unknown> | undefined => {
    let spec: unknown;
    try {
      spec = parseYaml(specText);
    } catch (err) {
      setProblems({ spec: [`not valid YAML: ${errorText(err).split('\n')[0]}`] });
      return undefined;
    }
    const r = buildDefinition(form, spec);
    const np = p.existing ? undefined : nameProblem(form.name.trim());
    if (np) (r.problems.name ??= []).push(np);
    setProblems(r.problems);
    if (Object.keys(r.problems).length > 0 || !r.definition) return undefined;
    return { ...r.definition, name: form.name.trim() };
  };

  const test = async () => {
    const def = assemble();
    if (!def) return;
    setTested({ busy: true });
    try {
      setTested({ run: await tryCheck(def) });
    } catch (err) {
      setProblems(sortProblems(errorText(err), true));
      setTested({ error: errorText(err) });
    }
  };

  const save = async () => {
    const def = assemble();
    if (!def) throw new Error('Fix the problems marked above.');
    try {
      p.onSaved(await saveCheck(form.name.trim(), def, p.existing?.version));
    } catch (err) {
      const sorted = sortProblems(errorText(err), true);
      setProblems(sorted);
      throw new Error(
        Object.keys(sorted).some((k) => k !== 'form')
          ? 'The server refused the check: see the problems marked above.'
          : errorText(err),
      );
    }
  };

  const kindList = kinds ?? [{ name: form.kind, description: '' }];
  const kindDesc = kinds?.find((k) => k.name === form.kind)?.description;
  return (
    <Dialog
      title={p.existing ? `Edit check ${p.existing.name}` : 'New check'}
      confirmLabel="Save"
      onConfirm={save}
      onClose={p.onClose}
    >
      <div class="row">
        <label class="field">
          <span>Name</span>
          <input
            type="text"
            value={form.name}
            required
            disabled={p.existing !== undefined}
            maxLength={63}
            onInput={(e) => set('name', e.currentTarget.value)}
          />
          <FieldProblems list={problems.name} />
        </label>
        <label class="field">
          <span>Kind</span>
          <select
            value={form.kind}
            disabled={p.existing !== undefined}
            onChange={(e) => pickKind(e.currentTarget.value)}
          >
            {kindList.map((k) => (
              <option key={k.name} value={k.name}>
                {k.name}
              </option>
            ))}
          </select>
          <FieldProblems list={problems.kind} />
        </label>
      </div>
      {kindDesc && <p class="muted small">{kindDesc}</p>}
      <label class="field">
        <span>Description</span>
        <input
          type="text"
          value={form.description}
          maxLength={1000}
          onInput={(e) => set('description', e.currentTarget.value)}
        />
        <FieldProblems list={problems.description} />
      </label>
      <div class="row">
        <label class="field">
          <span>Interval</span>
          <input
            type="text"
            value={form.interval}
            placeholder={form.kind === 'heartbeat' ? '10s' : '1m'}
            onInput={(e) => set('interval', e.currentTarget.value)}
          />
          <FieldProblems list={problems.interval} />
        </label>
        <label class="field">
          <span>Timeout</span>
          <input
            type="text"
            value={form.timeout}
            placeholder="min(10s, interval)"
            onInput={(e) => set('timeout', e.currentTarget.value)}
          />
          <FieldProblems list={problems.timeout} />
        </label>
      </div>
      <div class="row">
        <label class="field">
          <span>Failures before down</span>
          <input
            type="text"
            inputMode="numeric"
            value={form.failure_threshold}
            placeholder={form.kind === 'heartbeat' ? '1' : '2'}
            onInput={(e) => set('failure_threshold', e.currentTarget.value)}
          />
          <FieldProblems list={problems.failure_threshold} />
        </label>
        <label class="field">
          <span>Successes before up</span>
          <input
            type="text"
            inputMode="numeric"
            value={form.success_threshold}
            placeholder="1"
            onInput={(e) => set('success_threshold', e.currentTarget.value)}
          />
          <FieldProblems list={problems.success_threshold} />
        </label>
        <label class="field">
          <span>Severity</span>
          <input
            type="text"
            value={form.severity}
            placeholder="critical"
            onInput={(e) => set('severity', e.currentTarget.value)}
          />
          <FieldProblems list={problems.severity} />
        </label>
      </div>
      <label class="field">
        <span>Labels (name=value, one per line)</span>
        <textarea
          rows={2}
          class="mono"
          value={form.labels}
          onInput={(e) => set('labels', e.currentTarget.value)}
        />
        <FieldProblems list={problems.labels} />
      </label>
      <label class="field">
        <span>{form.kind} fields (YAML or JSON)</span>
        <textarea
          rows={7}
          class="mono"
          spellcheck={false}
          value={specText}
          onInput={(e) => {
            setSpecTouched(true);
            setSpecText(e.currentTarget.value);
          }}
        />
        <FieldProblems list={problems.spec} />
      </label>
      <FieldProblems list={[...(problems.enabled ?? []), ...(problems.jitter ?? [])]} />
      <FieldProblems list={problems.form} />
      <div class="toolbar">
        <button type="button" onClick={() => void test()} disabled={tested.busy}>
          {tested.busy ? 'Testing…' : 'Test'}
        </button>
        <span class="muted small">Probes this definition once; nothing is saved.</span>
      </div>
      {tested.run && <RunResult run={tested.run} label="Test result" />}
      {tested.error && (
        <p class="error" role="alert">
          Test failed: {tested.error}
        </p>
      )}
    </Dialog>
  );
}
