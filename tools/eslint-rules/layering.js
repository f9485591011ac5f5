/**
 * ESLint rule `argus/layering`: enforces the module import table (ARCHITECTURE.md).
 *
 * A module is a folder directly under `src/`. A file in module A may import module B only when
 * the table lists B for A, and only through B's public surface: `src/B/index.ts` (or
 * `src/B/testing.ts` for test helpers; for plugin parents such as `ingest`, also
 * `src/B/<plugin>/index.ts`). Some packages (HTTP servers) are reserved to given modules.
 */
import path from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'enforce the Argus module layering table' },
    schema: [
      {
        type: 'object',
        properties: {
          srcRoot: { type: 'string' },
          allow: { type: 'object' },
          pluginParents: { type: 'array', items: { type: 'string' } },
          reservedPackages: { type: 'object' },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const opts = context.options[0] ?? {};
    const srcRoot = path.resolve(opts.srcRoot ?? 'src');
    const allow = opts.allow ?? {};
    const pluginParents = new Set(opts.pluginParents ?? []);
    const reserved = opts.reservedPackages ?? {};
    const file = context.filename;
    const rel = path.relative(srcRoot, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return {};
    const from = rel.split(path.sep)[0];
    const isTest = /\.(test|bench)\.ts$/.test(file);

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        for (const [pkg, mods] of Object.entries(reserved)) {
          if ((spec === pkg || spec.startsWith(pkg + '/')) && !mods.includes(from)) {
            context.report({
              node,
              message: `module "${from}" may not import "${spec}" (reserved to ${mods.join(', ')})`,
            });
          }
        }
        return;
      }
      const target = path.resolve(path.dirname(file), spec);
      const trel = path.relative(srcRoot, target);
      if (trel.startsWith('..')) return; // outside src (tests importing helpers etc.)
      const parts = trel.split(path.sep);
      const to = parts[0];
      if (to === from) return;
      const allowed = allow[from];
      if (!allowed) {
        context.report({ node, message: `module "${from}" is missing from the layering table` });
        return;
      }
      if (allowed !== '*' && !allowed.includes(to)) {
        context.report({
          node,
          message: `module "${from}" may not import module "${to}" (allowed: ${allowed.length ? allowed.join(', ') : 'nothing'})`,
        });
        return;
      }
      const base = parts[parts.length - 1].replace(/\.(js|ts)$/, '');
      const surface = base === 'index' || (isTest && base === 'testing') || base === 'testing';
      const depthOk = parts.length === 2 || (parts.length === 3 && pluginParents.has(to));
      if (!surface || !depthOk) {
        context.report({
          node,
          message: `deep import "${spec}": import module "${to}" through its index.ts`,
        });
      }
    }
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
