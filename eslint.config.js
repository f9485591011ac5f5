// ESLint flat config. The layering table below IS the architecture's import rules
// (ARCHITECTURE.md mirrors it); change both together.
import tseslint from 'typescript-eslint';
import layering from './tools/eslint-rules/layering.js';

// `config` (schema helpers, units, loading) is a base layer: every module owns a config.ts.
const base = ['model', 'util', 'config'];
const collectors = ['storage', 'net', 'tenancy', 'state', 'exposition', 'relabel', ...base];
/** module -> modules it may import ('*' = anything: composition roots). */
export const layers = {
  util: [],
  model: ['util'],
  config: ['model', 'util'],
  storage: base,
  state: base,
  net: ['util', 'config'],
  tsdb: ['storage', ...base],
  promql: ['storage', ...base],
  // Metrics collection (#4): pure parsers and relabeling, and the built-in host collector.
  exposition: base,
  relabel: base,
  hostmetrics: ['storage', ...base],
  tenancy: ['state', ...base],
  // The UI's push channel (#6): new-data ticks per tenant.
  live: base,
  auth: ['state', ...base],
  secrets: ['state', ...base],
  dashboards: ['state', ...base],
  scrape: collectors,
  ingest: collectors,
  checks: collectors,
  health: ['checks', 'state', ...base],
  // Go text/template (#7): rule annotations and notification bodies; functions are injected.
  template: base,
  rules: ['promql', 'storage', 'state', 'template', ...base],
  alerting: ['net', 'tenancy', 'state', 'storage', 'template', ...base],
  // The log store (#9) reuses the TSDB's WAL framing (tsdb exports Wal).
  logs: ['net', 'tenancy', 'state', 'storage', 'tsdb', ...base],
  // LogQL (#9): sees the log seams in storage, never the log store.
  logql: ['storage', 'template', ...base],
  traces: ['net', 'tenancy', 'state', 'storage', ...base],
  incidents: ['alerting', 'tenancy', ...base],
  api: '*',
  server: '*',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'web/**', '**/testdata/**', 'data/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { argus: { rules: { layering } } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Interface implementations are often async without awaiting (e.g. in-memory stores).
      '@typescript-eslint/require-await': 'off',
      'argus/layering': [
        'error',
        {
          srcRoot: 'src',
          allow: layers,
          pluginParents: ['ingest', 'checks', 'alerting'],
          reservedPackages: { fastify: ['api', 'server'], '@fastify': ['api', 'server'] },
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/*.bench.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
