export { create, deleteDataset, get, getAll, getTags, update } from './crud';
export { retrieve } from './retrieve';
