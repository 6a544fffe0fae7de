import { searchDatasets, searchDocuments } from './knowledgeSearch';
import { searchConversations } from './listSearch';
import { getAppInputs } from './resourceMapping';

export const listSearch = { searchConversations };

export const resourceMapping = { getAppInputs };

/** The Dify Knowledge node's pickers. */
export const knowledgeListSearch = { searchDatasets, searchDocuments };
