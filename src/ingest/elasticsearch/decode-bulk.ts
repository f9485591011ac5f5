import {
  LogBatchBuilder,
  docToEntry,
  nowNs,
  type DocOptions,
  type LogBatch,
  type LogStreamBatch,
} from '../logs-common/index.js';
import type { LogEntry } from '../../storage/index.js';

/** Filebeat/Logstash/Fluent Bit defaults: `message`, `@timestamp`. */
export const BULK_DEFAULTS: DocOptions = {
  msgFields: ['message', '_msg', 'log', 'msg'],
  timeFields: ['@timestamp', '_time', 'timestamp', 'time'],
  streamFields: [],
};

/** One item of an ES bulk response (`items[i][action]`). */
export interface BulkItem {
  action: string;
  index: string;
  id: string;
  status: number;
  error?: { type: string; reason: string };
  /** Where the document went (for mapping store rejections back to items). */
  stream?: LogStreamBatch;
  entry?: LogEntry;
}

export interface BulkResult {
  batch: LogBatch;
  items: BulkItem[];
}

let idSeq = 0;
/** An ES-looking document id (clients only echo it). */
function newId(): string {
  idSeq = (idSeq + 1) % 0x1000000;
  return `${Date.now().toString(36)}${idSeq.toString(36).padStart(5, '0')}`;
}

/**
 * Decodes an Elasticsearch `_bulk` NDJSON body: action lines `{"index":{…}}` or `{"create":{…}}`
 * each followed by a document, which becomes a log entry (see `docToEntry`). `delete`/`update`
 * and malformed lines become per-item errors (status 400), as Elasticsearch reports them, so a
 * client does not retry the whole request forever. `defaultIndex` is the URL's `<index>`.
 */
export function decodeBulk(text: string, opts: DocOptions, defaultIndex = ''): BulkResult {
  const b = new LogBatchBuilder(true);
  const items: BulkItem[] = [];
  let now: bigint | undefined;
  const clock = () => (now ??= nowNs());
  const lines = text.split('\n');
  let n = 0;
  const next = (): string | undefined => {
    while (n < lines.length) {
      const l = lines[n++].trim();
      if (l !== '') return l;
    }
    return undefined;
  };
  const bad = (item: BulkItem, type: string, reason: string): void => {
    item.status = 400;
    item.error = { type, reason };
  };
  for (let raw = next(); raw !== undefined; raw = next()) {
    const at = n;
    const item: BulkItem = { action: 'index', index: defaultIndex, id: '', status: 201 };
    items.push(item);
    let action: unknown;
    try {
      action = JSON.parse(raw);
    } catch (err) {
      bad(
        item,
        'action_request_validation_exception',
        `line ${at}: the action is not JSON: ${(err as Error).message}`,
      );
      continue;
    }
    const keys = typeof action === 'object' && action !== null ? Object.keys(action) : [];
    if (keys.length !== 1) {
      bad(
        item,
        'action_request_validation_exception',
        `line ${at}: want one action (index, create, update, delete)`,
      );
      continue;
    }
    item.action = keys[0];
    const meta = (action as Record<string, unknown>)[keys[0]];
    if (typeof meta === 'object' && meta !== null) {
      const m = meta as Record<string, unknown>;
      if (typeof m._index === 'string') item.index = m._index;
      if (typeof m._id === 'string') item.id = m._id;
    }
    if (item.id === '') item.id = newId();
    if (item.action === 'delete') {
      bad(
        item,
        'illegal_argument_exception',
        `line ${at}: delete is not supported (logs are append-only)`,
      );
      continue;
    }
    const docLine = next();
    if (item.action !== 'index' && item.action !== 'create') {
      bad(
        item,
        'illegal_argument_exception',
        `line ${at}: action ${JSON.stringify(item.action)} is not supported, want index or create`,
      );
      continue;
    }
    if (docLine === undefined) {
      bad(
        item,
        'action_request_validation_exception',
        `line ${at}: the action has no document line`,
      );
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(docLine);
    } catch (err) {
      bad(
        item,
        'mapper_parsing_exception',
        `line ${n}: the document is not JSON: ${(err as Error).message}`,
      );
      continue;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      bad(item, 'mapper_parsing_exception', `line ${n}: the document is not a JSON object`);
      continue;
    }
    const got = docToEntry(
      doc as Record<string, unknown>,
      opts,
      b,
      `the document at line ${n}`,
      clock,
    );
    if (typeof got === 'string') bad(item, 'mapper_parsing_exception', got);
    else {
      item.stream = got.stream;
      item.entry = got.entry;
    }
  }
  return { batch: b.build(), items };
}
