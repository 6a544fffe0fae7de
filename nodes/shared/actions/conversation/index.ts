export { deleteConversation } from './delete.operation';
export { getAll } from './getAll.operation';
export { getVariables } from './getVariables.operation';
export { rename } from './rename.operation';
export { updateVariable } from './updateVariable.operation';
