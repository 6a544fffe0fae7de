export { create } from './create.operation';
export { deleteChildChunk } from './delete.operation';
export { getAll } from './getAll.operation';
export { update } from './update.operation';
