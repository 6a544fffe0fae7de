import type { DifyOperation } from '../../../shared/types';
import { create } from './create.operation';
import { deleteField } from './delete.operation';
import { getAll } from './getAll.operation';
import { rename } from './rename.operation';
import { setBuiltInFields } from './setBuiltInFields.operation';
import { setDocumentValues } from './setDocumentValues.operation';

export { create, deleteField, getAll, rename, setBuiltInFields, setDocumentValues };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [getAll, create, rename, deleteField, setBuiltInFields, setDocumentValues];
