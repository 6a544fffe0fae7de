import type { DifyOperation } from '../../../shared/types';
import { create } from './create.operation';
import { deleteChildChunk } from './delete.operation';
import { getAll } from './getAll.operation';
import { update } from './update.operation';

export { create, deleteChildChunk, getAll, update };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [create, getAll, update, deleteChildChunk];
