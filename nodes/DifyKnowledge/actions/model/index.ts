import type { DifyOperation } from '../../../shared/types';
import { getAll } from './getAll.operation';

export { getAll };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [getAll];
