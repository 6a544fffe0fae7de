import { searchConversations } from './listSearch';
import { getAppInputs } from './resourceMapping';

export const listSearch = { searchConversations };

export const resourceMapping = { getAppInputs };
