import { runListSearch } from '../harness/n8n';
import { inputField } from '../../nodes/shared/methods/resourceMapping';
import { callNode, failure, sendParams, useDifyServer } from './support';

const server = useDifyServer();

const FORM = [
	{ 'text-input': { variable: 'topic', label: 'Topic', required: true, max_length: 48, default: '' } },
	{ paragraph: { variable: 'notes', label: 'Notes', required: false } },
	{ select: { variable: 'tone', label: 'Tone', required: false, options: ['formal', 'casual'], default: 'casual' } },
	{ number: { variable: 'count', label: 'Count', required: false } },
	{ checkbox: { variable: 'strict', label: 'Strict', required: false } },
	{ 'text-input': { variable: 'secret_flag', label: 'Flag', required: false, hide: true } },
	{ external_data_tool: { variable: 'weather', label: 'Weather', type: 'api', config: {} } },
];

describe('Input Fields from the app (resource mapper)', () => {
	it('maps every Dify input control to an n8n field', async () => {
		const key = server().createApp({ mode: 'chat', userInputForm: FORM } as never);
		const result = (await runListSearch({
			type: 'dify.difyChatbot',
			kind: 'resourceMapping',
			method: 'getAppInputs',
			parameters: { resource: 'message', operation: 'send', inputMode: 'fields' },
			credentials: { difyApi: { baseUrl: server().apiBase, apiKey: key } },
		})) as { fields: Array<Record<string, unknown>> };
		expect(result.fields.map((f) => [f.id, f.type, f.required, f.removed])).toEqual([
			['topic', 'string', true, false],
			['notes', 'string', false, false],
			['tone', 'options', false, false],
			['count', 'number', false, false],
			['strict', 'boolean', false, false],
			['secret_flag', 'string', false, true],
		]);
		expect(result.fields[2]).toMatchObject({ options: [{ name: 'formal', value: 'formal' }, { name: 'casual', value: 'casual' }], defaultValue: 'casual' });
		expect(result.fields[0].displayName).toBe('Topic (topic)');
	});

	it('skips external data tools and file inputs, which have no typed value to send', () => {
		expect(inputField({ external_data_tool: { variable: 'w', type: 'api' } })).toBeUndefined();
		expect(inputField({ file: { variable: 'doc', type: 'file' } })).toBeUndefined();
	});

	it('sends the mapped fields as inputs, leaving unset optional ones to Dify', async () => {
		const key = server().createApp({ mode: 'chat', userInputForm: FORM } as never);
		const result = await callNode(server(), {
			key,
			parameters: sendParams('hi', {
				inputMode: 'fields',
				inputFields: { mappingMode: 'defineBelow', value: { topic: 'pricing', count: 3, strict: true, notes: null }, matchingColumns: [], schema: [] },
			}),
		});
		expect(result.error).toBeUndefined();
		expect(server().requests.find((r) => r.path === '/chat-messages')?.json).toMatchObject({ inputs: { topic: 'pricing', count: 3, strict: true } });
		expect((server().requests.find((r) => r.path === '/chat-messages')?.json as { inputs: object }).inputs).not.toHaveProperty('notes');
	});

	it('lets Dify name a missing required field', async () => {
		const key = server().createApp({ mode: 'chat', userInputForm: FORM } as never);
		const result = await callNode(server(), {
			key,
			parameters: sendParams('hi', { responseMode: 'blocking', inputMode: 'fields', inputFields: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [] } }),
		});
		expect(failure(result).message).toMatch(/topic/);
	});
});
