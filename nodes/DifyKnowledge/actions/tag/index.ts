export { bind } from './bind.operation';
export { create } from './create.operation';
export { deleteTag } from './delete.operation';
export { getAll } from './getAll.operation';
export { rename } from './rename.operation';
export { unbind } from './unbind.operation';
