/**
 * @module exposition
 * Parsers for the Prometheus text format 0.0.4 and OpenMetrics 1.0 over a scrape body's bytes,
 * and the content negotiation that picks one. `ExpositionParser` is a zero-allocation pull
 * parser for the scrape loop (raw series spans for a series cache, labels built on a miss);
 * `parseBody`/`samplesOf` build objects for everything else; `decodeMetricFamilies` reads the
 * delimited protobuf format (Pushgateway pushes). Pure: no I/O. Format notes:
 * docs/format/exposition.md.
 */
export { ExpositionParser, type EntryKind, type ParserOptions } from './parser.js';
export { parseBody, samplesOf, type ParsedBody } from './collect.js';
export {
  decodeMetricFamilies,
  PROTO_DELIMITED_CONTENT_TYPE,
  ProtoExpositionError,
  ProtoExpositionLimitError,
} from './proto.js';
export { acceptHeader, formatOf, contentTypeOf } from './negotiate.js';
export { ExpositionError, ExpositionLimitError } from './errors.js';
export {
  DEFAULT_PARSE_LIMITS,
  type Exemplar,
  type ExpositionFormat,
  type FamilyMetadata,
  type MetricType,
  type ParseLimits,
  type Sample,
} from './types.js';
