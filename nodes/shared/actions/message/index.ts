export { sendChat } from './sendChat';
