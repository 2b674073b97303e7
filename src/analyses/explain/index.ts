export * from './adtributor.js';
export * from './anomalies.js';
export * from './anomaly.js';
export * from './decompose.js';
export * from './findings.js';
export * from './shifts.js';
