/** What the Dify-calls-n8n triggers decide on their own, before any workflow runs. */
import { checkBearer } from '../../nodes/shared/inbound/bearerKey';
import { knowledgeIdAllowed, parseRetrievalBody } from '../../nodes/DifyExternalKnowledgeTrigger/retrievalRequest';
import { parseExtensionBody, unhandledAnswer } from '../../nodes/DifyExtensionTrigger/extensionRequest';

describe('checkBearer', () => {
	it.each([
		[undefined, 'malformed'],
		['', 'malformed'],
		['secret-key', 'malformed'],
		['Basic secret-key', 'malformed'],
		['Bearer', 'malformed'],
		['Bearer secret-key extra', 'malformed'],
		['Bearer secret-key', 'ok'],
		['bearer secret-key', 'ok'],
		['Bearer secret-ke', 'mismatch'],
		['Bearer secret-key-longer', 'mismatch'],
		['Bearer SECRET-KEY', 'mismatch'],
	])('%j → %s', (header, verdict) => {
		expect(checkBearer(header, 'secret-key')).toBe(verdict);
	});

	it('never accepts anything when no key is configured', () => {
		expect(checkBearer('Bearer x', '')).toBe('mismatch');
	});
});

describe('parseRetrievalBody', () => {
	const valid = { knowledge_id: 'kb', query: 'q', retrieval_setting: { top_k: 3, score_threshold: 0.5 } };

	it('keeps Dify\'s names and makes a missing metadata_condition null', () => {
		expect(parseRetrievalBody(valid)).toEqual({ ok: true, item: { knowledge_id: 'kb', query: 'q', top_k: 3, score_threshold: 0.5, metadata_condition: null } });
	});

	it.each([
		[null, 'JSON object'],
		[[valid], 'JSON object'],
		[{ ...valid, knowledge_id: '' }, 'knowledge_id'],
		[{ ...valid, query: 5 }, 'query must be a string'],
		[{ ...valid, retrieval_setting: null }, 'retrieval_setting must be an object'],
		[{ ...valid, retrieval_setting: { top_k: 2.5 } }, 'top_k'],
		[{ ...valid, retrieval_setting: { top_k: -1 } }, 'top_k'],
		[{ ...valid, retrieval_setting: { top_k: 1, score_threshold: '0.5' } }, 'score_threshold'],
	])('refuses %j', (body, message) => {
		const parsed = parseRetrievalBody(body);
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.message).toContain(message);
	});
});

describe('knowledgeIdAllowed', () => {
	it('an empty list serves every ID; otherwise only the listed ones', () => {
		expect(knowledgeIdAllowed('', 'x')).toBe(true);
		expect(knowledgeIdAllowed(' faq ,\nhandbook', 'handbook')).toBe(true);
		expect(knowledgeIdAllowed('faq, handbook', 'hand')).toBe(false);
	});
});

describe('parseExtensionBody', () => {
	it('recognises ping whatever the params', () => {
		expect(parseExtensionBody({ point: 'ping', params: {} })).toEqual({ ok: true, ping: true });
	});

	it('makes one item per point with Dify\'s param names', () => {
		expect(parseExtensionBody({ point: 'app.moderation.input', params: { app_id: 'a', inputs: { x: 1 }, query: 'q' } })).toEqual({
			ok: true,
			ping: false,
			point: 'app.moderation.input',
			item: { point: 'app.moderation.input', app_id: 'a', inputs: { x: 1 }, query: 'q' },
		});
		expect(parseExtensionBody({ point: 'app.external_data_tool.query', params: { tool_variable: 'w', inputs: {}, query: null } })).toMatchObject({
			ok: true,
			item: { point: 'app.external_data_tool.query', app_id: null, tool_variable: 'w', inputs: {}, query: '' },
		});
	});

	it('answers unhandled points as "nothing to add" and "not flagged"', () => {
		expect(unhandledAnswer('app.external_data_tool.query')).toEqual({ result: '' });
		expect(unhandledAnswer('app.moderation.output')).toEqual({ flagged: false, action: 'direct_output', preset_response: '' });
	});
});
