import type { DifyOperation } from '../../../shared/types';
import { create } from './create.operation';
import { deleteDataset } from './delete.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { getTags } from './getTags.operation';
import { retrieve } from './retrieve.operation';
import { update } from './update.operation';

export { create, deleteDataset, get, getAll, getTags, retrieve, update };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [retrieve, create, get, getAll, update, deleteDataset, getTags];
