import { RuleTester, type Rule } from 'eslint';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

// The rule is plain JS loaded by ESLint itself; load it from the source tree (tests run from dist/).
const mod = (await import(pathToFileURL(path.resolve('tools/eslint-rules/layering.js')).href)) as {
  default: Rule.RuleModule;
};
const layering = mod.default;

// RuleTester reports through describe/it, which node:test provides.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const src = path.resolve('src');
const options = [
  {
    srcRoot: 'src',
    allow: {
      util: [],
      model: ['util'],
      tsdb: ['storage', 'model', 'util'],
      promql: ['storage', 'model', 'util'],
      api: '*',
    },
    pluginParents: ['ingest'],
    reservedPackages: { fastify: ['api'] },
  },
];
const file = (p: string) => path.join(src, p);

new RuleTester().run('argus/layering', layering, {
  valid: [
    {
      code: "import { X } from '../storage/index.js';",
      filename: file('promql/engine.ts'),
      options,
    },
    { code: "import { X } from './head.js';", filename: file('tsdb/db.ts'), options },
    { code: "import { X } from '../tsdb/index.js';", filename: file('api/routes.ts'), options },
    {
      code: "import { X } from '../ingest/remote-write/index.js';",
      filename: file('api/routes.ts'),
      options,
    },
    { code: "import fastify from 'fastify';", filename: file('api/http.ts'), options },
    {
      code: "import { X } from '../storage/testing.js';",
      filename: file('tsdb/db.test.ts'),
      options,
    },
    {
      code: "import { X } from '../../src/tsdb/head.js';",
      filename: path.resolve('test/integration/x.test.ts'),
      options,
    },
  ],
  invalid: [
    {
      code: "import { X } from '../tsdb/index.js';",
      filename: file('promql/engine.ts'),
      options,
      errors: [
        { message: 'module "promql" may not import module "tsdb" (allowed: storage, model, util)' },
      ],
    },
    {
      code: "import { X } from '../storage/appender.js';",
      filename: file('tsdb/head.ts'),
      options,
      errors: [
        {
          message:
            'deep import "../storage/appender.js": import module "storage" through its index.ts',
        },
      ],
    },
    {
      code: "import fastify from 'fastify';",
      filename: file('tsdb/head.ts'),
      options,
      errors: [{ message: 'module "tsdb" may not import "fastify" (reserved to api)' }],
    },
    {
      code: "export * from '../model/index.js';",
      filename: file('util/x.ts'),
      options,
      errors: [{ message: 'module "util" may not import module "model" (allowed: nothing)' }],
    },
    {
      code: "import { X } from '../util/index.js';",
      filename: file('brandnew/x.ts'),
      options,
      errors: [{ message: 'module "brandnew" is missing from the layering table' }],
    },
  ],
});
