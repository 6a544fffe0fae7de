import { searchConversations } from './listSearch';

export const listSearch = { searchConversations };
