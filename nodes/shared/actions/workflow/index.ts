export { getLogs } from './getLogs.operation';
export { getRun } from './getRun.operation';
export { run } from './run.operation';
export { stop } from './stop.operation';
