export { start } from './start.operation';
