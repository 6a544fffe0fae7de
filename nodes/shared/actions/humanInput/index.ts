export { get } from './get';
export { submit } from './submit';
