import { idField } from '../../helpers/locators';

export const tagId = idField('Tag ID', 'tagId', 'ID of the tag, as Tag → Get Many lists it');

export const tagName = { displayName: 'Name', name: 'name', type: 'string' as const, default: '', required: true, description: '1 to 50 characters, unique in the workspace' };

export const tagIds = { displayName: 'Tag IDs', name: 'tagIds', type: 'string' as const, default: '', required: true, description: 'Comma-separated, or an array from an expression' };

