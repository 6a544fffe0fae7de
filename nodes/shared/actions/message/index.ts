export { getAll } from './getAll.operation';
export { getSuggestions } from './getSuggestions.operation';
export { sendChat } from './sendChat.operation';
export { sendCompletion } from './sendCompletion.operation';
export { stop } from './stop.operation';
