export { download } from './download.operation';
export { upload } from './upload.operation';
