import { ArgusError } from '../util/index.js';
import type { ChunkData } from './types.js';

export function encodeColumnar(_c: ChunkData): Uint8Array {
  throw new ArgusError('cannot encode log chunk: columnar format not implemented yet');
}

export function decodeColumnar(_data: Uint8Array): ChunkData {
  throw new ArgusError('cannot decode log chunk: columnar format not implemented yet');
}
