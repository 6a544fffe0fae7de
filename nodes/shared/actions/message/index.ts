export { getAll } from './getAll';
export { getSuggestions } from './getSuggestions';
export { sendChat } from './sendChat';
export { stop } from './stop';
export { sendCompletion } from './sendCompletion';
