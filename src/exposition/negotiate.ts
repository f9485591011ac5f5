import type { ExpositionFormat } from './types.js';

/** Prometheus 2.x's scrape Accept: OpenMetrics 1.0 first, then text 0.0.4, then anything. */
const ACCEPT_OM =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const ACCEPT_TEXT = 'text/plain;version=0.0.4;q=1.0,*/*;q=0.1';

/** The Accept header a scraper sends; `openMetrics: false` asks for the text format only. */
export function acceptHeader(opts: { openMetrics?: boolean } = {}): string {
  return opts.openMetrics === false ? ACCEPT_TEXT : ACCEPT_OM;
}

/**
 * Which parser a response's Content-Type calls for: `application/openmetrics-text` (any
 * version) is OpenMetrics; anything else, or none, is the text format, as Prometheus 2.x falls
 * back to it.
 */
export function formatOf(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'text';
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return media === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}

/** The Content-Type Argus would write for a format (the test encoder and push replies). */
export function contentTypeOf(format: ExpositionFormat): string {
  return format === 'openmetrics'
    ? 'application/openmetrics-text; version=1.0.0; charset=utf-8'
    : 'text/plain; version=0.0.4; charset=utf-8';
}
