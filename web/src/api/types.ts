/**
 * Types of the Argus API, taken from the server's own route schemas (type-only imports: no
 * server code reaches the browser bundle).
 */
import type { z } from 'zod';
import type { principalView, tokenView, userView } from '../../../src/api/access-views.js';

export type Principal = z.output<typeof principalView>;
export type User = z.output<typeof userView>;
export type Token = z.output<typeof tokenView>;
export type { UiPath } from '../../../src/api/ui-paths.js';
