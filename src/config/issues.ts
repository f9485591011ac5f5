import type { z } from 'zod';

/** How a YAML value reads in an error: strings quoted, collections by kind. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

function typeName(t: string): string {
  return TYPE_NAMES[t] ?? t;
}

function bound(origin: string, op: string, limit: unknown): string {
  const what =
    origin === 'string'
      ? 'a string of length'
      : origin === 'array'
        ? 'a list of length'
        : 'a number';
  return `${what} ${op} ${String(limit)}`;
}

/** Alternatives of a failed union, from each branch's first type mismatch. */
function unionExpected(issue: z.core.$ZodIssueInvalidUnion): string {
  const names = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first?.code === 'invalid_type') names.add(typeName(first.expected));
    else if (first?.code === 'invalid_value')
      for (const v of first.values) names.add(JSON.stringify(v));
    else if (first) names.add(first.message);
  }
  return [...names].join(' or ') || 'a different value';
}

/**
 * Turns a zod issue into "expected X, got Y". Custom issues (e.g. the duration and byte-size
 * types in units.ts) already say both and are kept as written.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined)
        return `missing required key (expected ${typeName(issue.expected)})`;
      return `expected ${typeName(issue.expected)}, ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ${got}`;
    case 'invalid_format':
      return `expected ${issue.format === 'url' ? 'a URL' : `a ${issue.format}`}, ${got}`;
    case 'too_small':
      return `expected ${bound(issue.origin, issue.inclusive ? '>=' : '>', issue.minimum)}, ${got}`;
    case 'too_big':
      return `expected ${bound(issue.origin, issue.inclusive ? '<=' : '<', issue.maximum)}, ${got}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}, ${got}`;
    case 'invalid_union':
      return `expected ${unionExpected(issue)}, ${got}`;
    default:
      return issue.message;
  }
}
