export { download } from './download';
export { upload } from './upload';
