import type { DifyOperation } from '../../../shared/types';
import { getDatasourcePlugins } from './getDatasourcePlugins.operation';
import { runDatasourceNode } from './runDatasourceNode.operation';
import { runPipeline } from './runPipeline.operation';
import { uploadFile } from './uploadFile.operation';

export { getDatasourcePlugins, runDatasourceNode, runPipeline, uploadFile };

/** The resource's operations, in the order the form lists them (a run's steps: nodes, source, files, run). */
export const operations: DifyOperation[] = [getDatasourcePlugins, runDatasourceNode, uploadFile, runPipeline];
