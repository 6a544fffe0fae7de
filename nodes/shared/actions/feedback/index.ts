export { create } from './create';
export { getAll } from './getAll';
