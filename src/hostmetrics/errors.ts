import { ArgusError } from '../util/index.js';

/** A collector could not read or parse its source (file missing, unexpected format). */
export class CollectorError extends ArgusError {}
