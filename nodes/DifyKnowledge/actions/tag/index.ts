import type { DifyOperation } from '../../../shared/types';
import { bind } from './bind.operation';
import { create } from './create.operation';
import { deleteTag } from './delete.operation';
import { getAll } from './getAll.operation';
import { rename } from './rename.operation';
import { unbind } from './unbind.operation';

export { bind, create, deleteTag, getAll, rename, unbind };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [getAll, create, rename, deleteTag, bind, unbind];
