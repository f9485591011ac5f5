import { isAbsolute } from 'node:path';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { zDuration } from '../../config/index.js';
import { Glob } from './glob.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function compiles(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

const zGlob = z
  .string()
  .refine((s) => isAbsolute(s), 'expected an absolute path or glob like /var/log/*.log')
  .refine((s) => compiles(() => new Glob(s)), 'expected a valid glob (unclosed {?)');

/** One `logs.files` entry: which files to tail and how to label them. */
export const fileTargetSchema = z
  .object({
    /** Absolute glob: `*`, `?`, `[a-z]`, `{a,b}`, `**` (any directories). */
    path: zGlob,
    /** Globs of paths not to tail (e.g. rotated `*.gz`). */
    exclude: z.array(zGlob).default([]),
    /** Stream labels; `filename` (the file's path) is always added. */
    labels: z.record(z.string().regex(LABEL_NAME, 'expected a label name'), z.string()).default({}),
    tenant: z.string().regex(TENANT, 'expected a tenant id: 1-63 of [a-z0-9_-]').default('default'),
    /** Joins continuation lines (stack traces) to the line that starts a record. */
    multiline: z
      .object({
        /** RE2 regex matching the first line of a record (searched anywhere in the line). */
        start: z
          .string()
          .min(1)
          .refine((s) => compiles(() => RE2JS.compile(s)), 'expected an RE2 regular expression'),
        /** A record is cut after this many lines. */
        max_lines: z.number().int().positive().default(128),
        /** A pending record is emitted when no line has come for this long. */
        timeout: zDuration.default(3000),
      })
      .strict()
      .optional(),
    encoding: z.literal('utf8').default('utf8'),
  })
  .strict();

/** `logs.files` in argus.yml: the files the server tails (none by default). */
export const filesConfigSchema = z.array(fileTargetSchema).default([]);

export type FileTargetConfig = z.output<typeof fileTargetSchema>;
export type FilesConfig = z.output<typeof filesConfigSchema>;
