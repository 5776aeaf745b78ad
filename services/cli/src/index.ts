export * from './command.js';
export * from './io.js';
export * from './errors.js';
export * from './cli.js';
export { deadlineCommand, answerDeadline, DeadlineInput, type DeadlineAnswer } from './commands/deadline.js';
