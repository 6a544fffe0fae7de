export { create } from './create.operation';
export { deleteField } from './delete.operation';
export { getAll } from './getAll.operation';
export { rename } from './rename.operation';
export { setBuiltInFields } from './setBuiltInFields.operation';
export { setDocumentValues } from './setDocumentValues.operation';
