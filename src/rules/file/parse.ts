/**
 * Prometheus's rule-file format (model/rulefmt): YAML decoding with unknown-field checks, then
 * the same validation and error texts, positions as "line:col" where Prometheus gives them.
 */
import { LineCounter, parseAllDocuments, type Node } from 'yaml';
import { METRIC_NAME, isWellFormed, type NameValidation } from '../../model/index.js';
import { parseDurationMs } from '../../promql/index.js';
import { parseRuleExpr } from '../expr.js';
import { checkAlertTemplate } from '../eval/template.js';
import type { RuleGroupSpec, RuleLang, RuleSpec } from './spec.js';
import { NO_POS, YamlView, type Pos } from './yaml-nodes.js';

export interface ParseRulesOptions {
  /** Label/annotation/record name rules (default `utf8`, Prometheus 3). */
  nameValidation?: NameValidation;
  /** Accept unknown fields (Prometheus never does for rule files). */
  ignoreUnknownFields?: boolean;
  /**
   * Checks one label or annotation template of an alerting rule; returns an error text (Go's
   * `template: …`) or null. Default: the template module's parser with Prometheus's functions.
   */
  checkTemplate?: (ruleName: string, text: string) => string | null;
  /**
   * The language of the file's expressions, marked on every group (default `promql`). With
   * `logql`, give `checkExpr` too: the rules module does not know LogQL (layering).
   */
  lang?: RuleLang;
  /**
   * Checks one rule's `expr` instead of the PromQL parser; returns the error text (reported
   * after `rule N, "name": ` at the expr's line:col) or null. Used for LogQL rule files.
   */
  checkExpr?: (expr: string) => string | null;
}

export interface ParsedRuleFile {
  groups: RuleGroupSpec[];
  /** Prometheus-worded errors, each prefixed by the file name. Empty = the file is valid. */
  errors: string[];
  warnings: string[];
}

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const GROUP_FIELDS = new Set(['name', 'interval', 'query_offset', 'limit', 'rules', 'labels']);
const RULE_FIELDS = new Set([
  'record',
  'alert',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

function labelNameOk(n: string, mode: NameValidation): boolean {
  return mode === 'legacy' ? LEGACY_LABEL.test(n) : n !== '' && isWellFormed(n);
}

function metricNameOk(n: string, mode: NameValidation): boolean {
  return mode === 'legacy' ? LEGACY_METRIC.test(n) : n !== '' && isWellFormed(n);
}

const at = (p: Pos): string => `${p.line}:${p.column}`;

/** Decoding (Go yaml.v3 with KnownFields) of one document into raw values. */
class Decoder {
  readonly errs: string[] = [];
  constructor(
    readonly y: YamlView,
    private readonly strict: boolean,
  ) {}

  private line(n: Node | null): number {
    return this.y.pos(n).line;
  }

  str(n: Node | null): string {
    const t = this.y.text(n);
    if (t === undefined) {
      this.errs.push(`line ${this.line(n)}: cannot unmarshal ${kind(n)} into string`);
      return '';
    }
    return t ?? '';
  }

  duration(n: Node | null): number {
    const t = this.str(n);
    if (t === '' && this.y.text(n) === null) return 0;
    const ms = parseDurationMs(t);
    if (ms === undefined) {
      this.errs.push(`not a valid duration string: ${JSON.stringify(t)}`);
      return 0;
    }
    return ms;
  }

  int(n: Node | null): number {
    const t = this.str(n);
    if (t === '') return 0;
    if (!/^[-+]?\d+$/.test(t)) {
      this.errs.push(`line ${this.line(n)}: cannot unmarshal !!str \`${t}\` into int`);
      return 0;
    }
    return Number(t);
  }

  map(n: Node | null, type: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.y.text(n) === null) return out;
    const fs = this.y.fields(n);
    if (fs === null) {
      this.errs.push(`line ${this.line(n)}: cannot unmarshal ${kind(n)} into ${type}`);
      return out;
    }
    for (const f of fs) out[f.key] = this.str(f.value);
    return out;
  }

  unknown(fields: { key: string; keyPos: Pos }[], known: Set<string>, type: string): void {
    if (!this.strict) return;
    for (const f of fields) {
      if (!known.has(f.key))
        this.errs.push(`line ${f.keyPos.line}: field ${f.key} not found in type ${type}`);
    }
  }
}

function kind(n: Node | null): string {
  const t = (n as { constructor?: { name?: string } } | null)?.constructor?.name;
  return t === 'YAMLSeq' ? '!!seq' : t === 'YAMLMap' ? '!!map' : '!!str';
}

interface RawRule {
  spec: RuleSpec;
  recordPos: Pos;
  alertPos: Pos;
  exprPos: Pos;
  record: string;
  alert: string;
  forMs: number;
  keepMs: number;
  annotations: Record<string, string>;
}

/** Parses and validates one rule file's text. Never throws for bad input: see `errors`. */
export function parseRuleFile(
  text: string,
  file: string,
  opts: ParseRulesOptions = {},
): ParsedRuleFile {
  const mode = opts.nameValidation ?? 'utf8';
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    schema: 'failsafe',
    merge: true,
    prettyErrors: false,
  });
  const warnings: string[] = [];
  const prefix = (e: string): string => `${file}: ${e}`;
  if (!Array.isArray(docs) || docs.length === 0) return { groups: [], errors: [], warnings };
  if (docs.length > 1) {
    warnings.push(`${file}: only the first YAML document is read; ${docs.length - 1} more ignored`);
  }
  const doc = docs[0];
  if (doc.errors.length > 0) {
    return {
      groups: [],
      errors: doc.errors.map((e) => {
        const p = lc.linePos(e.pos[0]);
        return prefix(
          `yaml: line ${p.line}: ${e.message.split('\n')[0].replace(/ at line.*/, '')}`,
        );
      }),
      warnings,
    };
  }
  const y = new YamlView(doc, lc);
  const d = new Decoder(y, opts.ignoreUnknownFields !== true);
  const root = y.resolve(doc.contents);
  if (root === null || y.text(root) === null) return { groups: [], errors: [], warnings };
  const top = y.fields(root);
  if (top === null) {
    return {
      groups: [],
      errors: [
        prefix(
          `yaml: unmarshal errors:\n  line 1: cannot unmarshal ${kind(root)} into rulefmt.RuleGroups`,
        ),
      ],
      warnings,
    };
  }
  d.unknown(top, new Set(['groups']), 'rulefmt.RuleGroups');
  const groupsNode = top.find((f) => f.key === 'groups')?.value ?? null;
  const groupNodes = y.text(groupsNode) === null ? [] : y.items(groupsNode);
  if (groupNodes === null) {
    d.errs.push(
      `line ${y.pos(groupsNode).line}: cannot unmarshal ${kind(groupsNode)} into []rulefmt.RuleGroup`,
    );
  }
  const raw: { g: Omit<RuleGroupSpec, 'rules'>; rules: RawRule[] }[] = [];
  for (const gn of groupNodes ?? []) {
    const gf = y.fields(gn) ?? [];
    if (y.fields(gn) === null && y.text(gn) !== null) {
      d.errs.push(`line ${y.pos(gn).line}: cannot unmarshal ${kind(gn)} into rulefmt.RuleGroup`);
      continue;
    }
    d.unknown(gf, GROUP_FIELDS, 'rulefmt.RuleGroup');
    const get = (k: string): Node | null => gf.find((f) => f.key === k)?.value ?? null;
    const qo = get('query_offset');
    const g = {
      name: d.str(get('name')),
      file,
      intervalMs: d.duration(get('interval')),
      ...(y.text(qo) === null ? {} : { queryOffsetMs: d.duration(qo) }),
      limit: d.int(get('limit')),
      labels: d.map(get('labels'), 'map[string]string'),
      pos: y.pos(gn),
      ...(opts.lang === 'logql' ? { lang: 'logql' as const } : {}),
    };
    const rules: RawRule[] = [];
    const rn = get('rules');
    const ruleNodes = y.text(rn) === null ? [] : y.items(rn);
    if (ruleNodes === null)
      d.errs.push(`line ${y.pos(rn).line}: cannot unmarshal ${kind(rn)} into []rulefmt.Rule`);
    for (const r of ruleNodes ?? []) rules.push(decodeRule(d, y, r));
    raw.push({ g, rules });
  }
  if (d.errs.length > 0) {
    const plain = d.errs.filter((e) => !e.startsWith('line '));
    const lines = d.errs.filter((e) => e.startsWith('line '));
    const errors = plain.map(prefix);
    if (lines.length > 0) errors.push(prefix(`yaml: unmarshal errors:\n  ${lines.join('\n  ')}`));
    return { groups: [], errors, warnings };
  }
  const errors: string[] = [];
  const seen = new Set<string>();
  const groups: RuleGroupSpec[] = [];
  for (const { g, rules } of raw) {
    if (g.name === '') errors.push(prefix(`${at(g.pos)}: Groupname must not be empty`));
    if (seen.has(g.name)) {
      errors.push(prefix(`${at(g.pos)}: groupname: "${g.name}" is repeated in the same file`));
    }
    seen.add(g.name);
    for (const [k, v] of Object.entries(g.labels)) {
      if (!labelNameOk(k, mode) || k === METRIC_NAME)
        errors.push(prefix(`invalid label name: ${k}`));
      if (!isWellFormed(v)) errors.push(prefix(`invalid label value: ${v}`));
    }
    rules.forEach((r, i) => {
      for (const e of validateRule(r, mode, opts)) {
        errors.push(
          prefix(
            `${e.pos}group ${JSON.stringify(g.name)}, rule ${i + 1}, ${JSON.stringify(r.spec.name)}: ${e.msg}`,
          ),
        );
      }
    });
    groups.push({ ...g, rules: rules.map((r) => r.spec) });
  }
  return { groups: errors.length > 0 ? [] : groups, errors, warnings };
}

function decodeRule(d: Decoder, y: YamlView, n: Node): RawRule {
  const fs = y.fields(n) ?? [];
  d.unknown(fs, RULE_FIELDS, 'rulefmt.Rule');
  const field = (k: string): { value: Node | null; valuePos: Pos } =>
    fs.find((f) => f.key === k) ?? { value: null, valuePos: NO_POS };
  const record = d.str(field('record').value);
  const alert = d.str(field('alert').value);
  const expr = d.str(field('expr').value);
  const forMs = d.duration(field('for').value);
  const keepMs = d.duration(field('keep_firing_for').value);
  const labels = d.map(field('labels').value, 'map[string]string');
  const annotations = d.map(field('annotations').value, 'map[string]string');
  const base = { name: alert !== '' ? alert : record, expr, labels, pos: y.pos(n) };
  const spec: RuleSpec =
    alert !== '' || record === ''
      ? { ...base, kind: 'alerting', forMs, keepFiringForMs: keepMs, annotations }
      : { ...base, kind: 'recording' };
  return {
    spec,
    record,
    alert,
    forMs,
    keepMs,
    annotations,
    recordPos: field('record').valuePos,
    alertPos: field('alert').valuePos,
    exprPos: field('expr').valuePos,
  };
}

const TEMPLATE_DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** The `{{$labels := …}}` preamble Prometheus puts before every alert template. */
export function withTemplateDefs(text: string): string {
  return TEMPLATE_DEFS + text;
}

function validateRule(
  r: RawRule,
  mode: NameValidation,
  opts: ParseRulesOptions,
): { pos: string; msg: string }[] {
  const out: { pos: string; msg: string }[] = [];
  const both = `${at(r.recordPos)}: ${at(r.alertPos)}: `;
  const rec = `${at(r.recordPos)}: `;
  if (r.record !== '' && r.alert !== '') {
    out.push({ pos: both, msg: "only one of 'record' and 'alert' must be set" });
  }
  if (r.record === '' && r.alert === '') {
    out.push({ pos: both, msg: "one of 'record' or 'alert' must be set" });
  }
  if (r.spec.expr === '') {
    out.push({ pos: `${at(r.exprPos)}: `, msg: "field 'expr' must be set in rule" });
  } else if (opts.checkExpr !== undefined) {
    const e = opts.checkExpr(r.spec.expr);
    if (e !== null) out.push({ pos: `${at(r.exprPos)}: `, msg: e });
  } else if (opts.lang !== 'logql') {
    try {
      parseRuleExpr(r.spec.expr);
    } catch (e) {
      out.push({
        pos: `${at(r.exprPos)}: `,
        msg: `could not parse expression: ${(e as Error).message}`,
      });
    }
  }
  if (r.record !== '') {
    if (Object.keys(r.annotations).length > 0)
      out.push({ pos: rec, msg: "invalid field 'annotations' in recording rule" });
    if (r.forMs !== 0) out.push({ pos: rec, msg: "invalid field 'for' in recording rule" });
    if (r.keepMs !== 0)
      out.push({ pos: rec, msg: "invalid field 'keep_firing_for' in recording rule" });
    if (!metricNameOk(r.record, mode))
      out.push({ pos: rec, msg: `invalid recording rule name: ${r.record}` });
    if (r.record.includes('{') || r.record.includes('}')) {
      out.push({
        pos: rec,
        msg: `braces present in the recording rule name; should it be in expr?: ${r.record}`,
      });
    }
  }
  for (const [k, v] of Object.entries(r.spec.labels)) {
    if (!labelNameOk(k, mode) || k === METRIC_NAME)
      out.push({ pos: '', msg: `invalid label name: ${k}` });
    if (!isWellFormed(v)) out.push({ pos: '', msg: `invalid label value: ${v}` });
  }
  for (const k of Object.keys(r.annotations)) {
    if (!labelNameOk(k, mode)) out.push({ pos: '', msg: `invalid annotation name: ${k}` });
  }
  if (r.alert !== '') {
    const check = opts.checkTemplate ?? checkAlertTemplate;
    for (const [k, v] of Object.entries(r.spec.labels)) {
      const e = check(r.alert, withTemplateDefs(v));
      if (e !== null) out.push({ pos: '', msg: `label ${JSON.stringify(k)}: ${e}` });
    }
    for (const [k, v] of Object.entries(r.annotations)) {
      const e = check(r.alert, withTemplateDefs(v));
      if (e !== null) out.push({ pos: '', msg: `annotation ${JSON.stringify(k)}: ${e}` });
    }
  }
  return out;
}
