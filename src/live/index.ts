/**
 * @module live
 * The server push channel's core: which tenants got new data, fanned out to live views at a
 * bounded rate. The HTTP side (Server-Sent Events) is `api/live.ts`.
 */
export { LiveHub, type LiveHubOptions, type Tick } from './hub.js';
