// The public API of the `freshet` package.
export { Engine } from './engine.js';
export type { EngineOptions } from './engine.js';
export type { QueryResult, ResultField, ResultValue } from './query-result.js';
export { EngineError, SqlState } from './common/errors.js';
export { VIEW_ROWS } from './engine/status.js';
