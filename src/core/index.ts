export * from './lang.js';
export * from './errors/index.js';
export * from './validation.js';
export * from './ids.js';
export * from './events.js';
export * from './roles.js';
