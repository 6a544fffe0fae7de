import { idField } from '../../helpers/locators';

export const metadataId = idField('Metadata Field ID', 'metadataId', 'ID of the metadata field, as Metadata → Get Many lists it');

export const fieldName = { displayName: 'Name', name: 'name', type: 'string' as const, default: '', required: true, placeholder: 'e.g. category' };

