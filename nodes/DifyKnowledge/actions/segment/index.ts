import type { DifyOperation } from '../../../shared/types';
import { create } from './create.operation';
import { deleteSegment } from './delete.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { update } from './update.operation';

export { create, deleteSegment, get, getAll, update };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [create, get, getAll, update, deleteSegment];
