/**
 * What a new user sees in n8n's editor, checked on the node descriptions n8n loads: distinct names
 * on the canvas, options only where they apply, the order of fields, the resource mapper's words.
 */
import { NodeHelpers, Workflow, type INode, type INodeProperties, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { DifyChatbot } from '../../nodes/DifyChatbot/DifyChatbot.node';
import { DifyChatflow } from '../../nodes/DifyChatflow/DifyChatflow.node';
import { DifyCompletion } from '../../nodes/DifyCompletion/DifyCompletion.node';
import { DifyWorkflow } from '../../nodes/DifyWorkflow/DifyWorkflow.node';

const chatbot = new DifyChatbot().description;
const chatflow = new DifyChatflow().description;
const completion = new DifyCompletion().description;
const workflow = new DifyWorkflow().description;

type Option = { name: string; value: string; action?: string };

function operationOptions(d: INodeTypeDescription, resource: string): Option[] {
	return d.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))!.options as Option[];
}

function shownFor(d: INodeTypeDescription, resource: string, operation: string): INodeProperties[] {
	return d.properties.filter((p) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation));
}

/** The node name n8n gives a new node on the canvas (n8n-workflow's makeNodeName, used by the editor). */
const canvasName = (d: INodeTypeDescription, parameters: Record<string, string>) => NodeHelpers.makeNodeName(parameters, d);

/** The subtitle under the node on the canvas, evaluated as the editor evaluates it. */
function subtitle(d: INodeTypeDescription, parameters: Record<string, string>): string {
	const node: INode = { id: 'n', name: d.defaults.name!, type: d.name, typeVersion: 1, position: [0, 0], parameters };
	const types = { getByName: () => ({ description: d }) as INodeType, getByNameAndVersion: () => ({ description: d }) as INodeType, getKnownTypes: () => ({}) };
	const wf = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: types });
	return String(wf.expression.getSimpleParameterValue(node, d.subtitle!, 'internal', {}));
}

describe('names on the canvas', () => {
	it('Chatbot and Chatflow name their app type, so two new nodes do not look alike', () => {
		const send = { resource: 'message', operation: 'send' };
		expect(canvasName(chatbot, send)).toBe('Send a message to a Dify Chatbot or Agent app');
		expect(canvasName(chatflow, send)).toBe('Send a message to a Dify Chatflow app');
		expect(canvasName(workflow, { resource: 'workflow', operation: 'run' })).toMatch(/Dify workflow/i);
	});

	it('Completion generates: its operation, action and subtitle say so (the value stays "send")', () => {
		const generate = operationOptions(completion, 'message').find((o) => o.value === 'send')!;
		expect(generate).toMatchObject({ name: 'Generate', action: 'Generate text with a Dify text generator app' });
		expect(subtitle(completion, { resource: 'message', operation: 'send' })).toBe('generate: text');
		expect(subtitle(completion, { resource: 'feedback', operation: 'create' })).toBe('create: feedback');
		expect(subtitle(chatbot, { resource: 'message', operation: 'send' })).toBe('send: message');
	});

	it('"Custom API Call" names the node after what it is, never "__CUSTOM_API_CALL__ …"', () => {
		for (const d of [chatbot, chatflow, completion, workflow]) {
			const resources = (d.properties.find((p) => p.name === 'resource')!.options as Option[]).map((o) => o.value);
			expect(resources).toContain('__CUSTOM_API_CALL__');
			for (const resource of resources) {
				const name = canvasName(d, { resource, operation: '__CUSTOM_API_CALL__' });
				expect(name).not.toContain('__CUSTOM_API_CALL__');
			}
			expect(canvasName(d, { resource: '__CUSTOM_API_CALL__', operation: '__CUSTOM_API_CALL__' })).toBe(`Custom Dify API call (HTTP Request node) for ${d.displayName}`);
		}
	});
});

describe('options only where they apply', () => {
	const sendOptions = (d: INodeTypeDescription) =>
		(shownFor(d, 'message', 'send').find((p) => p.name === 'options')!.options as INodeProperties[]).map((o) => o.displayName);

	it('only the Chatbot node (Agent apps) offers Include Agent Thoughts', () => {
		expect(sendOptions(chatbot)).toContain('Include Agent Thoughts');
		expect(sendOptions(chatflow)).not.toContain('Include Agent Thoughts');
		expect(sendOptions(chatflow)).toEqual(expect.arrayContaining(['Include Node Trace', 'Workflow Version ID']));
		expect(sendOptions(chatbot)).not.toContain('Include Node Trace');
	});
});

describe('field order and words', () => {
	it('a File Input entry asks for its source before the field that source governs', () => {
		const fileInputs = shownFor(workflow, 'workflow', 'run').find((p) => p.name === 'fileInputs')!;
		const values = (fileInputs.options as Array<{ values: INodeProperties[] }>)[0].values.map((v) => v.name);
		expect(values.indexOf('source')).toBeLessThan(values.indexOf('binaryPropertyName'));
		expect(values.indexOf('source')).toBeLessThan(values.indexOf('url'));
	});

	it('Fields From the App speaks of inputs, and offers no column-mapping mode', () => {
		for (const d of [chatbot, chatflow, completion, workflow]) {
			const mapper = d.properties.find((p) => p.name === 'inputFields')!;
			const options = mapper.typeOptions!.resourceMapper!;
			expect(options.fieldWords).toEqual({ singular: 'input', plural: 'inputs' });
			expect(options.valuesLabel).toBe('Inputs to Send');
			expect(options.noFieldsError).toMatch(/no input variables/);
			// With automatic mapping n8n shows its fixed "Mapping Column Mode / Map Each Column Manually".
			expect(options.supportAutoMap).toBe(false);
			expect(JSON.stringify(mapper)).not.toMatch(/column/i);
		}
	});

	it("Credential's App is on every operation's form (not Custom API Call's), and Fields From the App depend on its entry's name", () => {
		for (const d of [chatbot, chatflow, completion, workflow]) {
			const app = d.properties.find((p) => p.name === 'credentialApp')!;
			expect(app.displayOptions).toEqual({ hide: { resource: ['__CUSTOM_API_CALL__'] } });
			// n8n 2.41 refreshes a list entry on a credential switch only for a set value, in list mode.
			expect(app.modes!.map((m) => m.name)).toEqual(['list']);
			expect(app.default).toMatchObject({ mode: 'list', value: 'credential' });
			// Before the operation's own fields.
			expect(d.properties.indexOf(app)).toBeLessThan(d.properties.findIndex((p) => p.name === 'inputMode'));
			const mapper = d.properties.find((p) => p.name === 'inputFields')!;
			expect(mapper.typeOptions!.loadOptionsDependsOn).toEqual(['inputMode', 'credentialApp.cachedResultName']);
		}
	});
});
