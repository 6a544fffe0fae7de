export { configureReply } from './configureReply.operation';
export { create } from './create.operation';
export { deleteAnnotation } from './delete.operation';
export { getAll } from './getAll.operation';
export { getReplyStatus } from './getReplyStatus.operation';
export { update } from './update.operation';
