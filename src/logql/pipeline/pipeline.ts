import type { Labels, Matcher } from '../../model/index.js';
import { TemplateSet } from '../../template/index.js';
import type { LabelFormatStage, LineFormatStage, ParserStage, Stage } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { extractJson, parseJsonLine, parseJsonPath, unpackLine } from './json.js';
import { compileLabelFilter } from './label-filter.js';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, LabelsBuilder, setExtracted } from './labels-builder.js';
import { compileLineFilter, compileRegex } from './line-filter.js';
import { parseLogfmt } from './logfmt.js';
import { matchPattern, parsePattern } from './pattern.js';
import { logqlFuncs, type CurrentRecord } from './template-funcs.js';

/** A record after the pipeline. */
export interface PipelineOutput {
  line: string;
  labels: Labels;
}

/**
 * A compiled LogQL pipeline. `process` runs one record and returns its output, or null when a
 * stage drops it; it returns a Promise only when the pipeline formats with templates
 * (`isAsync`), so filter/parser-only pipelines never await per line. Records MUST be processed
 * one at a time (the pipeline reuses one label builder): await each result before the next.
 */
export interface Pipeline {
  readonly isAsync: boolean;
  /** False when no stage changes labels: outputs then carry the stream's own Labels object. */
  readonly changesLabels: boolean;
  process(
    ts: bigint,
    line: string,
    streamLabels: Labels,
    fields?: readonly (readonly [string, string])[],
  ): PipelineOutput | null | Promise<PipelineOutput | null>;
}

interface Rec {
  ts: bigint;
  line: string;
  readonly lbs: LabelsBuilder;
}

/** A stage: false drops the record; a Promise only for template stages. */
type StageFn = (r: Rec) => boolean | Promise<boolean>;

export function compilePipeline(stages: readonly Stage[]): Pipeline {
  const cur: CurrentRecord = { line: '', ts: 0n };
  let templates: TemplateSet | undefined;
  let tplCount = 0;
  const tpl = (text: string): string => {
    templates ??= new TemplateSet({ funcs: logqlFuncs(cur), missingKey: 'zero' });
    const name = `t${tplCount++}`;
    try {
      templates.parse(name, text);
    } catch (err) {
      throw new LogqlEvalError(
        `cannot compile template ${JSON.stringify(text)}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return name;
  };
  const fns: StageFn[] = [];
  let isAsync = false;
  let changesLabels = false;
  for (const st of stages) {
    if (st.kind !== 'line_filter') changesLabels = true;
    switch (st.kind) {
      case 'line_filter': {
        const f = compileLineFilter(st);
        fns.push((r) => f(r.line));
        break;
      }
      case 'parser':
        fns.push(compileParser(st));
        break;
      case 'label_filter': {
        const f = compileLabelFilter(st.expr);
        fns.push((r) => f(r.lbs));
        break;
      }
      case 'line_format':
        isAsync = true;
        fns.push(lineFormat(st, tpl(st.template), () => templates!, cur));
        break;
      case 'label_format': {
        const named = st.items.map((it) => ({
          ...it,
          tplName: it.template !== undefined ? tpl(it.template) : undefined,
        }));
        if (named.some((n) => n.tplName !== undefined)) isAsync = true;
        fns.push(labelFormat(named, () => templates!, cur));
        break;
      }
      case 'drop':
      case 'keep':
        fns.push(dropKeep(st.kind, st.items));
        break;
      case 'decolorize':
        fns.push((r) => {
          if (r.line.includes('\x1b')) r.line = r.line.replace(ANSI, '');
          return true;
        });
        break;
    }
  }
  const lbs = new LabelsBuilder();
  const rec: Rec = { ts: 0n, line: '', lbs };
  const finish = (): PipelineOutput => ({ line: rec.line, labels: lbs.toLabels() });
  const resume = async (from: number, p: Promise<boolean>): Promise<PipelineOutput | null> => {
    if (!(await p)) return null;
    for (let k = from; k < fns.length; k++) {
      const ok = await fns[k](rec);
      if (!ok) return null;
    }
    return finish();
  };
  return {
    isAsync,
    changesLabels,
    process(ts, line, streamLabels, fields) {
      rec.ts = ts;
      rec.line = line;
      lbs.reset(streamLabels, fields);
      for (let k = 0; k < fns.length; k++) {
        const ok = fns[k](rec);
        if (ok === false) return null;
        if (ok !== true) return resume(k + 1, ok);
      }
      return finish();
    },
  };
}

// CSI/OSC colour and cursor sequences (Loki uses the same idea: strip ESC [ … final byte).
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

function compileParser(st: ParserStage): StageFn {
  switch (st.parser) {
    case 'json': {
      if (!st.extract || st.extract.length === 0)
        return (r) => {
          parseJsonLine(r.line, r.lbs);
          return true;
        };
      const paths = st.extract.map(({ label, path }) => {
        const p = parseJsonPath(path);
        if (!p)
          throw new LogqlEvalError(
            `cannot compile json parameter ${label}=${JSON.stringify(path)}: bad path`,
          );
        return { label, path: p };
      });
      return (r) => {
        extractJson(r.line, r.lbs, paths);
        return true;
      };
    }
    case 'logfmt': {
      const only =
        st.extract && st.extract.length > 0
          ? new Map(st.extract.map((e) => [e.path, e.label]))
          : undefined;
      const strict = st.strict === true;
      const keepEmpty = st.keepEmpty === true;
      return (r) => {
        parseLogfmt(r.line, r.lbs, strict, keepEmpty, only);
        return true;
      };
    }
    case 'unpack':
      return (r) => {
        r.line = unpackLine(r.line, r.lbs);
        return true;
      };
    case 'regexp': {
      const re = compileRegex(st.pattern ?? '', 'regexp parser');
      const names = Object.entries<number>(re.namedGroups());
      if (names.length === 0)
        throw new LogqlEvalError(
          `cannot compile regexp parser ${JSON.stringify(st.pattern)}: at least one named capture group is needed`,
        );
      return (r) => {
        const m = re.matcher(r.line);
        if (!m.find()) return true;
        for (const [name, idx] of names) {
          const v = m.group(idx);
          if (v !== null && v !== undefined) setExtracted(r.lbs, name, v);
        }
        return true;
      };
    }
    case 'pattern': {
      const p = parsePattern(st.pattern ?? '');
      if (!p.parts.some((x) => x.name !== '_'))
        throw new LogqlEvalError(
          `cannot compile pattern ${JSON.stringify(st.pattern)}: at least one named capture <name> is needed`,
        );
      return (r) => {
        matchPattern(p, r.line, (n, v) => setExtracted(r.lbs, n, v));
        return true;
      };
    }
  }
}

function lineFormat(
  st: LineFormatStage,
  name: string,
  set: () => TemplateSet,
  cur: CurrentRecord,
): StageFn {
  // Text without actions needs no template run (Loki shortcuts the same way).
  if (!st.template.includes('{{'))
    return (r) => {
      r.line = st.template;
      return true;
    };
  return async (r) => {
    cur.line = r.line;
    cur.ts = r.ts;
    try {
      r.line = await set().execute(name, r.lbs.toObject());
    } catch (err) {
      r.lbs.setErr('TemplateFormatErr', (err as Error).message);
    }
    return true;
  };
}

function labelFormat(
  items: (LabelFormatStage['items'][number] & { tplName?: string })[],
  set: () => TemplateSet,
  cur: CurrentRecord,
): StageFn {
  const renames = items.filter((i) => i.tplName === undefined);
  const tpls = items.filter((i) => i.tplName !== undefined);
  const rename = (r: Rec): void => {
    for (const it of renames) {
      const v = r.lbs.get(it.src ?? '');
      if (it.src !== it.dst) r.lbs.delete(it.src ?? '');
      if (v !== undefined) r.lbs.set(it.dst, v);
    }
  };
  if (tpls.length === 0)
    return (r) => {
      rename(r);
      return true;
    };
  return async (r) => {
    cur.line = r.line;
    cur.ts = r.ts;
    // Templates see the labels as they were before this stage (Loki evaluates them first).
    const data = r.lbs.toObject();
    const out: [string, string][] = [];
    for (const it of tpls) {
      try {
        out.push([it.dst, await set().execute(it.tplName!, data)]);
      } catch (err) {
        r.lbs.setErr('TemplateFormatErr', (err as Error).message);
      }
    }
    rename(r);
    for (const [k, v] of out) r.lbs.set(k, v);
    return true;
  };
}

function dropKeep(kind: 'drop' | 'keep', items: { name: string; matcher?: Matcher }[]): StageFn {
  if (kind === 'drop')
    return (r) => {
      for (const it of items) {
        const v = r.lbs.get(it.name);
        if (v === undefined) continue;
        if (!it.matcher || it.matcher.matches(v)) r.lbs.delete(it.name);
      }
      return true;
    };
  return (r) => {
    for (const n of r.lbs.names()) {
      if (n === ERROR_LABEL || n === ERROR_DETAILS_LABEL) continue;
      const v = r.lbs.get(n) ?? '';
      const keep = items.some((it) => it.name === n && (!it.matcher || it.matcher.matches(v)));
      if (!keep) r.lbs.delete(n);
    }
    return true;
  };
}
