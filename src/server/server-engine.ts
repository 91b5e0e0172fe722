// The slice of the Engine's public API the HTTP server and CLI call. Typed as a
// Pick of Engine so the real engine always fits, and tests can pass a stub.
import type { Engine } from '../engine.js';

export type ServerEngine = Pick<Engine, 'sqlAll' | 'close' | 'status' | 'progress'>;
