/**
 * Config fields as templates: each field's text is parsed once (at channel creation, so a bad
 * template fails the config, not a 3 a.m. notification) into the shared set under a private
 * name, then executed against the notification's template data.
 */
import type { TemplateSet } from '../../../template/index.js';
import type { TemplateData } from '../../templates/data.js';

export type Field = (data: TemplateData) => Promise<string>;

let seq = 0;

/** A field whose text may contain `{{ }}`; text without it is returned unchanged. */
export function field(set: TemplateSet, text: string | undefined): Field {
  if (text === undefined || text === '') return async () => '';
  if (!text.includes('{{')) return async () => text;
  const name = `__argus_field_${++seq}`;
  set.parse(name, text);
  return (data) => set.execute(name, data);
}

/** Every field of a record (header maps, PagerDuty details). */
export function fieldMap(
  set: TemplateSet,
  m: Readonly<Record<string, string>> | undefined,
): (data: TemplateData) => Promise<Record<string, string>> {
  const fields = Object.entries(m ?? {}).map(([k, v]) => [k, field(set, v)] as const);
  return async (data) => {
    const out: Record<string, string> = {};
    for (const [k, f] of fields) out[k] = await f(data);
    return out;
  };
}
