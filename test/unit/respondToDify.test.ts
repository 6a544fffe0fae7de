/** Respond to Dify's pure parts: records from items, the extension answer per point, error bodies. */
import type { IDataObject } from 'n8n-workflow';

import { errorAnswer, errorText } from '../../nodes/DifyRespond/errorAnswer';
import { DIFY_ANSWER_FIELDS, buildExtensionAnswer } from '../../nodes/DifyRespond/extensionAnswer';
import { FieldProblem } from '../../nodes/DifyRespond/itemFields';
import { buildRecords } from '../../nodes/DifyRespond/records';

const FIELDS = { content: 'content', score: 'score', title: 'title', metadata: 'metadata' };
const items = (...list: IDataObject[]) => list.map((json) => ({ json }));
const problem = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return e instanceof FieldProblem ? { field: e.field, itemIndex: e.itemIndex, message: e.message } : e;
	}
	return 'no error';
};

describe('buildRecords', () => {
	it('keeps the workflow\'s order among equal scores, and cuts to top_k', () => {
		const r = buildRecords(items({ content: 'a', score: 0.5 }, { content: 'b', score: 0.9 }, { content: 'c', score: 0.5 }), FIELDS, { top_k: 2, score_threshold: 0 });
		expect(r.map((x) => x.content)).toEqual(['b', 'a']);
	});

	it('keeps a record exactly at the threshold; a threshold of 0 (Dify\'s "off") keeps negative scores', () => {
		const list = items({ content: 'a', score: 0.5 }, { content: 'b', score: 0.49 }, { content: 'c', score: -1 });
		expect(buildRecords(list, FIELDS, { top_k: 5, score_threshold: 0.5 }).map((x) => x.content)).toEqual(['a']);
		expect(buildRecords(list, FIELDS, { top_k: 5, score_threshold: 0 }).map((x) => x.content)).toEqual(['a', 'b', 'c']);
	});

	it('top_k 0 answers no records; empty items are no records', () => {
		expect(buildRecords(items({ content: 'a', score: 1 }), FIELDS, { top_k: 0, score_threshold: 0 })).toEqual([]);
		expect(buildRecords(items({}, {}), FIELDS, { top_k: 3, score_threshold: 0 })).toEqual([]);
	});

	it('numbers as content or title become text; metadata missing or null becomes {}', () => {
		expect(buildRecords(items({ content: 42, score: 1, title: 7 }), FIELDS, { top_k: 1, score_threshold: 0 })).toEqual([{ content: '42', score: 1, title: '7', metadata: {} }]);
	});

	it('names the field and the item of what Dify would reject', () => {
		expect(problem(() => buildRecords(items({ content: 'a', score: 1 }, { score: 1 }), FIELDS, { top_k: 3, score_threshold: 0 }))).toEqual({
			field: 'content',
			itemIndex: 1,
			message: 'must be text (Dify\'s record "content"), but item 2 has nothing',
		});
		expect(problem(() => buildRecords(items({ content: 'a', score: 1, metadata: ['x'] }), FIELDS, { top_k: 3, score_threshold: 0 }))).toMatchObject({ field: 'metadata', message: expect.stringContaining('has a list') });
		expect(problem(() => buildRecords(items({ content: 'a', score: null }), FIELDS, { top_k: 3, score_threshold: 0 }))).toMatchObject({ field: 'score', message: expect.stringContaining('has null') });
		expect(problem(() => buildRecords(items({ content: 'a', score: 1, title: { t: 1 } }), FIELDS, { top_k: 3, score_threshold: 0 }))).toMatchObject({ field: 'title' });
	});

	it('reads a field whose name contains a dot before trying it as a path', () => {
		expect(buildRecords(items({ 'doc.text': 'flat', doc: { text: 'nested' }, score: 1 }), { ...FIELDS, content: 'doc.text' }, { top_k: 1, score_threshold: 0 })[0].content).toBe('flat');
	});
});

describe('buildExtensionAnswer', () => {
	const input = { point: 'app.moderation.input', inputs: { topic: 'x' }, query: 'original' };
	const output = { point: 'app.moderation.output', text: 'original' };
	const build = (json: IDataObject, request: IDataObject & { point: string }) => buildExtensionAnswer(json, DIFY_ANSWER_FIELDS, request);

	it('not flagged: action defaults to direct_output; other fields are left out', () => {
		expect(build({ flagged: false, preset_response: 'ignored' }, input)).toEqual({ flagged: false, action: 'direct_output' });
	});

	it('overridden input keeps what the item leaves out from Dify\'s request', () => {
		expect(build({ flagged: true, action: 'overridden', inputs: { topic: 'y' } }, input)).toEqual({ flagged: true, action: 'overridden', inputs: { topic: 'y' }, query: 'original' });
		expect(problem(() => build({ flagged: true, action: 'overridden' }, input))).toMatchObject({ field: 'inputs" or "query' });
	});

	it('refuses what Dify\'s validation refuses, naming the field', () => {
		expect(problem(() => build({ flagged: 1, action: 'direct_output' }, input))).toMatchObject({ field: 'flagged', message: expect.stringContaining('number 1') });
		expect(problem(() => build({ flagged: true, action: 'block' }, output))).toMatchObject({ field: 'action' });
		expect(problem(() => build({ flagged: true }, output))).toMatchObject({ field: 'action', message: expect.stringContaining('has nothing') });
		expect(problem(() => build({ flagged: true, action: 'overridden', inputs: 'x', query: 'q' }, input))).toMatchObject({ field: 'inputs' });
		expect(problem(() => build({ flagged: true, action: 'overridden' }, output))).toMatchObject({ field: 'text' });
		expect(problem(() => build({ result: { a: 1 } }, { point: 'app.external_data_tool.query' }))).toMatchObject({ field: 'result', message: expect.stringContaining('an object') });
	});

	it('a number as result becomes text', () => {
		expect(build({ result: 21 }, { point: 'app.external_data_tool.query' })).toEqual({ result: '21' });
	});
});

describe('error answers', () => {
	it('External Knowledge: {error_code, error_msg}, a numeric code or the status', () => {
		expect(errorAnswer('retrieval', 500, 'down', '')).toEqual({ error_code: 500, error_msg: 'down' });
		expect(errorAnswer('retrieval', 404, 'gone', '2001')).toEqual({ error_code: 2001, error_msg: 'gone' });
		expect(errorAnswer('retrieval', 503, 'busy', 'busy')).toEqual({ error_code: 503, error_msg: 'busy' });
	});

	it('extensions: the envelope of the trigger\'s own refusals', () => {
		expect(errorAnswer('extension', 400, 'down', '')).toEqual({ code: 'workflow_error', message: 'down', status: 400 });
	});

	it('the message of an error output item, whatever shape the node gave it', () => {
		expect(errorText('boom')).toBe('boom');
		expect(errorText({ message: 'deep' })).toBe('deep');
		expect(errorText(undefined)).toBe('The n8n workflow failed');
		expect(errorText('  ')).toBe('The n8n workflow failed');
	});
});
