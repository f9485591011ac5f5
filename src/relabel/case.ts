/**
 * Go's `strings.ToLower` / `strings.ToUpper`: a per-character simple case mapping. JavaScript's
 * own methods use full mappings that can change the length (`ß` → `SS`, `İ` → `i̇`) or depend on
 * context (final `ς`), so non-ASCII text is mapped one code point at a time and a character
 * whose mapping is not a single code point is kept, as Go keeps it.
 */
export function goToLower(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapCodePoints(s, lowerOne);
}

export function goToUpper(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapCodePoints(s, upperOne);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function mapCodePoints(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) out += f(ch);
  return out;
}

function single(ch: string, mapped: string): string {
  const cp = mapped.codePointAt(0)!;
  return mapped.length === (cp > 0xffff ? 2 : 1) ? mapped : ch;
}

function lowerOne(ch: string): string {
  // U+0130 (İ): Unicode's simple lowercase is plain `i`; the full mapping adds U+0307.
  if (ch === '\u0130') return 'i';
  return single(ch, ch.toLowerCase());
}

function upperOne(ch: string): string {
  return single(ch, ch.toUpperCase());
}
