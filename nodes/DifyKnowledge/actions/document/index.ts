import type { DifyOperation } from '../../../shared/types';
import { createFromFile } from './createFromFile.operation';
import { createFromText } from './createFromText.operation';
import { createFromUrl } from './createFromUrl.operation';
import { deleteDocument } from './delete.operation';
import { download } from './download.operation';
import { downloadZip } from './downloadZip.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { getIndexingStatus } from './getIndexingStatus.operation';
import { updateFromFile } from './updateFromFile.operation';
import { updateFromText } from './updateFromText.operation';
import { updateStatus } from './updateStatus.operation';

export { createFromFile, createFromText, createFromUrl, deleteDocument, download, downloadZip, get, getAll, getIndexingStatus, updateFromFile, updateFromText, updateStatus };

/** The resource's operations, in the order the form lists them. */
export const operations: DifyOperation[] = [createFromText, createFromFile, createFromUrl, updateFromText, updateFromFile, get, getAll, deleteDocument, getIndexingStatus, updateStatus, download, downloadZip];
