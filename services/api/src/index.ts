export * from './app.js';
export * from './agencies/agencyDirectory.js';
export * from './auth/principal.js';
export * from './auth/access.js';
export * from './commands/caseService.js';
export * from './http/problems.js';
export * from './http/conditional.js';
export * from './routes/cases.js';
