export { createFromFile, createFromText, createFromUrl } from './create';
export { deleteDocument, get, getAll } from './crud';
export { download, downloadZip } from './download';
export { getIndexingStatus, updateStatus } from './status';
export { updateFromFile, updateFromText } from './update';
