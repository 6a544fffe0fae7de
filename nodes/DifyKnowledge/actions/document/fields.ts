
export const fileNameOption = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string' as const,
	default: '',
	placeholder: 'e.g. handbook.pdf',
	description: 'Name of the document in Dify; its extension tells Dify how to read the file',
};

export const documentIdsField = {
	displayName: 'Document IDs',
	name: 'documentIds',
	type: 'string' as const,
	default: '',
	required: true,
	placeholder: 'e.g. 7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e, 9d0e1f2a-…',
	description: 'Comma-separated, or an array from an expression',
};

