import { searchCredentialApp } from './credentialApp';
import { searchConversations } from './listSearch';
import { getAppInputs } from './resourceMapping';

export const listSearch = { searchConversations, searchCredentialApp };

export const resourceMapping = { getAppInputs };
