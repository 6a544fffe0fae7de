export { create } from './create.operation';
export { deleteDataset } from './delete.operation';
export { get } from './get.operation';
export { getAll } from './getAll.operation';
export { getTags } from './getTags.operation';
export { retrieve } from './retrieve.operation';
export { update } from './update.operation';
