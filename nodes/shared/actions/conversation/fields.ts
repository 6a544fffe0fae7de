import type { INodeProperties } from 'n8n-workflow';

// Empty is allowed: on Send it means "start a new conversation".
const UUID = '^\\s*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?\\s*$';

/** The conversation picker: the User's conversations from Dify, or an ID typed or mapped in. */
export function conversationLocator(overrides: Partial<INodeProperties> & { required?: boolean } = {}): INodeProperties {
	return {
		displayName: 'Conversation',
		name: 'conversationId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchConversations', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 45701982-8118-4bc5-8e9b-64562b4555f2',
				validation: [{ type: 'regex', properties: { regex: UUID, errorMessage: 'Not a conversation ID (a UUID)' } }],
			},
		],
		...overrides,
	} as INodeProperties;
}
