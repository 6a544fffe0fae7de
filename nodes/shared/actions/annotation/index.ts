export { create, deleteAnnotation, getAll, update } from './crud';
export { configureReply, getReplyStatus } from './reply';
