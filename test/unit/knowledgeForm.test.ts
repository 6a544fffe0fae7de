/**
 * The Knowledge forms a first knowledge base goes through: a document's Indexing Technique defaulting
 * for a base without one, Wait for Indexing on when added, and segmentation settings under their own mode.
 */
import type { INodeProperties } from 'n8n-workflow';

import { DifyKnowledge } from '../../nodes/DifyKnowledge/DifyKnowledge.node';

const { properties } = new DifyKnowledge().description;

function shown(resource: string, operation: string): INodeProperties[] {
	return properties.filter((p) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation));
}

const optionsOf = (resource: string, operation: string) =>
	(shown(resource, operation).find((p) => p.name === 'options')!.options ?? []) as INodeProperties[];

test.each(['createFromText', 'createFromFile', 'createFromUrl'])('%s: Indexing Technique says it defaults to High Quality for a base without one', (operation) => {
	const technique = optionsOf('document', operation).find((o) => o.name === 'indexingTechnique')!;
	expect(technique.default).toBe('high_quality');
	expect(technique.description).toContain('High Quality when not set');
});

test.each(['createFromText', 'createFromFile', 'createFromUrl', 'updateFromText', 'updateFromFile'])(
	'%s: Wait for Indexing is on when added and says what it waits for',
	(operation) => {
		const wait = optionsOf('document', operation).find((o) => o.name === 'waitForIndexing')!;
		expect(wait.default).toBe(true);
		expect(wait.description).toContain('completed or error');
	},
);

test('segmentation settings are offered only under the Segmentation they belong to', () => {
	const modes = Object.fromEntries(
		optionsOf('document', 'createFromText')
			.filter((o) => o.displayOptions)
			.map((o) => [o.name, o.displayOptions?.show?.segmentation]),
	);
	expect(modes).toEqual({
		separator: ['custom', 'hierarchical'],
		maxTokens: ['custom', 'hierarchical'],
		chunkOverlap: ['custom'],
		parentMode: ['hierarchical'],
		childSeparator: ['hierarchical'],
		childMaxTokens: ['hierarchical'],
		removeExtraSpaces: ['custom', 'hierarchical'],
		removeUrlsEmails: ['custom', 'hierarchical'],
	});
});
