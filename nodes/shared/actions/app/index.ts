export { getInfo } from './getInfo.operation';
export { getMeta } from './getMeta.operation';
export { getParameters } from './getParameters.operation';
export { getSite } from './getSite.operation';
