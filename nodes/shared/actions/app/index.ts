export { getInfo } from './getInfo';
export { getParameters } from './getParameters';
