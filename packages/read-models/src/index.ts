export * from './db/schema.js';
export * from './db/migrations.js';
export * from './db/pgliteDialect.js';
export * from './db/openReadModels.js';
export * from './projections/caseView.js';
export * from './projections/deadlineToday.js';
export * from './projections/projections.js';
export * from './projector/projector.js';
