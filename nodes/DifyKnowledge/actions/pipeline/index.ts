import type { DifyOperation } from '../../../shared/types';
import { getDatasourcePlugins } from './getDatasourcePlugins.operation';
import { uploadFile } from './uploadFile.operation';

export { getDatasourcePlugins, uploadFile };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [getDatasourcePlugins, uploadFile];
