export { get } from './get.operation';
export { submit } from './submit.operation';
