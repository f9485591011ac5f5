import { METRIC_NAME } from '../../model/index.js';
import type { TenantId } from '../../model/index.js';
import type { VectorSample } from '../../promql/index.js';
import { RuleEvalError } from '../errors.js';
import type { RuleLang } from '../file/spec.js';
import { BaseRule, labelsKey, withLabels, type EvalContext } from './rule.js';
import type { QueryFn } from './types.js';

/** A recording rule: its result, renamed to `record` and relabelled, is written back. */
export class RecordingRule extends BaseRule {
  readonly kind = 'recording';

  constructor(
    name: string,
    exprText: string,
    labels: Readonly<Record<string, string>>,
    private readonly tenant: TenantId,
    private readonly queryFn: QueryFn,
    lang: RuleLang = 'promql',
  ) {
    super(name, exprText, labels, lang);
  }

  async eval(ctx: EvalContext): Promise<VectorSample[]> {
    const vec = await this.queryFn(this.tenant, this.expr, ctx.queryTs);
    const out: VectorSample[] = [];
    const seen = new Set<string>();
    for (const s of vec) {
      const labels = withLabels(s.labels, { ...this.labels, [METRIC_NAME]: this.name });
      const k = labelsKey(labels);
      if (seen.has(k)) {
        throw new RuleEvalError(
          'vector contains metrics with the same labelset after applying rule labels',
        );
      }
      seen.add(k);
      out.push({ labels, t: ctx.queryTs, v: s.v });
    }
    if (ctx.limit > 0 && out.length > ctx.limit) {
      throw new RuleEvalError(`exceeded limit ${ctx.limit} with ${out.length} series`);
    }
    return out;
  }
}
