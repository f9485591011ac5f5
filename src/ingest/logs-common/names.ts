const VALID = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A label or field name made valid Loki-style: every character outside `[a-zA-Z0-9_]` becomes
 * `_` (`service.name` → `service_name`), a leading digit gets a `_` prefix, the empty name
 * becomes `_`. Valid names are returned as they are (no allocation).
 */
export function sanitizeLabelName(name: string): string {
  if (VALID.test(name)) return name;
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (out === '' || (out.charCodeAt(0) >= 48 && out.charCodeAt(0) <= 57)) out = `_${out}`;
  return out;
}
