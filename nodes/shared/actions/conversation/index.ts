export { deleteConversation } from './delete';
export { getAll } from './getAll';
export { getVariables } from './getVariables';
export { rename } from './rename';
export { updateVariable } from './updateVariable';
