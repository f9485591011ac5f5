import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteState } from './sqlite.js';
import { runStateSuite } from './suite.js';

const root = mkdtempSync(join(tmpdir(), 'argus-state-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

runStateSuite('sqlite', async () => openSqliteState({ file: join(root, `state-${n++}.db`) }));
