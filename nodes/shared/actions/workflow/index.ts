export { getLogs } from './getLogs';
export { getRun } from './getRun';
export { run } from './run';
export { stop } from './stop';
