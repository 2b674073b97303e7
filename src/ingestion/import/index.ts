export { runImport, type ImportOptions, type ImportDeps, type ImportProgress, type ImportSummary } from './runner.js';
export { IMPORT_KINDS, IMPORT_FORMATS, type ImportKind, type ImportFormat } from './types.js';
export { KINDS, normaliseHeader } from './kinds.js';
export { insertSpend } from './spend.js';
export type { SpendRow } from './schemas.js';
