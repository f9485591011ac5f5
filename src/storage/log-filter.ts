import { RE2JS } from 're2js';
import { QueryError } from './errors.js';
import type { LineFilter } from './logs.js';

/**
 * Compiles pushed-down line filters into one predicate (ANDed). `|~`/`!~` are RE2 (linear time,
 * re2js), matched anywhere in the line as LogQL does. A bad regex is a `QueryError` naming it.
 */
export function compileLineFilters(filters: readonly LineFilter[]): (line: string) => boolean {
  const tests = filters.map(compileOne);
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0];
  return (line) => {
    for (const t of tests) if (!t(line)) return false;
    return true;
  };
}

function compileOne(f: LineFilter): (line: string) => boolean {
  switch (f.op) {
    case '|=':
      return f.value === '' ? () => true : (line) => line.includes(f.value);
    case '!=':
      return f.value === '' ? () => false : (line) => !line.includes(f.value);
    case '|~':
    case '!~': {
      let re: RE2JS;
      try {
        re = RE2JS.compile(f.value);
      } catch (err) {
        throw new QueryError(
          `cannot compile line filter ${f.op} ${JSON.stringify(f.value)}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      const want = f.op === '|~';
      return (line) => re.matcher(line).find() === want;
    }
    default:
      throw new QueryError(`cannot apply line filter: unknown operator ${JSON.stringify(f.op)}`);
  }
}
