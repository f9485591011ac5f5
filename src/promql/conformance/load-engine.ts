/**
 * Finds the engine and the parser at run time: they are written in parallel with this runner,
 * so the conformance test skips (with a message) rather than failing to compile while absent.
 */
import type { Expr } from '../ast.js';
import type { QueryEngine } from '../query.js';
import type { PrinterHooks } from './at-rewrite.js';

type ParseFn = (text: string, opts?: { experimental?: boolean }) => Expr;

interface EngineModule {
  PromQLEngine?: new (o: { parse?: ParseFn }) => QueryEngine;
}
interface ParserModule {
  parseExpr?: ParseFn;
  formatExpr?: (e: Expr) => string;
}

async function tryImport<T>(spec: string): Promise<T | null> {
  try {
    return (await import(spec)) as T;
  } catch {
    return null;
  }
}

export interface LoadedEngine {
  /** null with the reason when the engine is not there yet. */
  readonly make: ((experimental: boolean) => QueryEngine) | null;
  readonly missing: string | null;
  /** The parser + printer for the `@` re-run, or null. */
  readonly printer: PrinterHooks | null;
}

export async function loadEngine(): Promise<LoadedEngine> {
  // Specifiers in variables so tsc does not resolve modules that may not exist yet.
  const enginePath = '../engine/index.js';
  const parserPath = '../parser/index.js';
  const eng = await tryImport<EngineModule>(enginePath);
  const par = await tryImport<ParserModule>(parserPath);
  const parse = par?.parseExpr;
  const Engine = eng?.PromQLEngine;
  if (!Engine || !parse) {
    return {
      make: null,
      missing: `no PromQLEngine in src/promql/engine/ or parseExpr in src/promql/parser/ yet`,
      printer: null,
    };
  }
  const format = par.formatExpr;
  return {
    make: (experimental) => new Engine({ parse: (t) => parse(t, { experimental }) }),
    missing: null,
    printer: format ? { parse: (q) => parse(q, { experimental: true }), format } : null,
  };
}
