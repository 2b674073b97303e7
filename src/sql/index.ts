export * from './types.js';
export * from './sql.js';
