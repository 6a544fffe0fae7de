import { ChatAnswer, normaliseUsage } from '../../nodes/shared/helpers/chatAnswer';

const opts = { includeThoughts: true, includeMessageFiles: true, includeNodeTrace: true };

describe('ChatAnswer', () => {
	it('concatenates message deltas and takes ids from the envelope', () => {
		const a = new ChatAnswer();
		const env = { task_id: 't', conversation_id: 'c', message_id: 'm', created_at: 5 };
		expect(a.add({ event: 'message', answer: 'He', ...env })).toBe('He');
		a.add({ event: 'message', answer: 'llo', ...env });
		a.add({ event: 'message_end', metadata: { usage: { total_tokens: 3, total_price: '0.001' }, retriever_resources: [{ position: 1 }] }, ...env });
		const r = a.result(opts);
		expect(r).toMatchObject({ answer: 'Hello', conversation_id: 'c', message_id: 'm', task_id: 't', created_at: 5, status: 'normal' });
		expect(r.usage).toEqual({ total_tokens: 3, total_price: 0.001 });
		expect(r.retriever_resources).toEqual([{ position: 1 }]);
	});

	it('replaces the answer on message_replace and never outputs tts audio', () => {
		const a = new ChatAnswer();
		a.add({ event: 'message', answer: 'bad words' });
		a.add({ event: 'tts_message', audio: 'QUJD' });
		a.add({ event: 'message_replace', answer: '[moderated]', reason: 'output_moderation' });
		const r = a.result(opts);
		expect(r.answer).toBe('[moderated]');
		expect(JSON.stringify(r)).not.toContain('QUJD');
	});

	it('upserts agent thoughts by id and does not append New Agent\'s closing message twice', () => {
		const a = new ChatAnswer();
		a.add({ event: 'agent_thought', id: 'th1', position: 1, thought: '' });
		a.add({ event: 'agent_message', answer: 'Let me ' });
		a.add({ event: 'agent_thought', id: 'th1', position: 1, tool: 'calculator', observation: '4' });
		expect(a.add({ event: 'agent_message', answer: 'compute: 4' })).toBe('compute: 4');
		expect(a.add({ event: 'message', answer: 'Let me compute: 4' })).toBeUndefined();
		const r = a.result(opts);
		expect(r.answer).toBe('Let me compute: 4');
		expect(r.agent_thoughts).toEqual([{ id: 'th1', position: 1, thought: '', tool: 'calculator', observation: '4' }]);
	});

	it('reports a paused chatflow with its form tokens', () => {
		const a = new ChatAnswer();
		a.add({ event: 'workflow_started', workflow_run_id: 'run1', data: { id: 'run1' } });
		a.add({ event: 'human_input_required', data: { form_token: 'tok', node_id: 'n1', node_title: 'Approve', inputs: [], actions: [{ id: 'ok' }] } });
		a.add({ event: 'workflow_paused', data: { workflow_run_id: 'run1', paused_nodes: ['n1'], reasons: [] } });
		const r = a.result(opts);
		expect(r.status).toBe('paused');
		expect(r.workflow_run_id).toBe('run1');
		expect((r.pause as { forms: Array<{ form_token: string }> }).forms[0].form_token).toBe('tok');
	});

	it('knows a failed chatflow run and keeps a node trace', () => {
		const a = new ChatAnswer();
		a.add({ event: 'node_started', data: { id: 'e1', node_id: 'llm', title: 'LLM', node_type: 'llm' } });
		a.add({ event: 'node_finished', data: { id: 'e1', node_id: 'llm', title: 'LLM', node_type: 'llm', status: 'failed', error: 'boom', elapsed_time: 0.2 } });
		a.add({ event: 'workflow_finished', data: { status: 'failed', error: 'boom' } });
		expect(a.failure).toBe('boom');
		expect(a.result(opts).node_trace).toEqual([
			{ node_id: 'llm', title: 'LLM', node_type: 'llm', status: 'failed', elapsed_time: 0.2, error: 'boom' },
		]);
	});

	it('turns decimal strings into numbers only for money fields', () => {
		expect(normaliseUsage({ prompt_price: '0.5', currency: 'USD', latency: 1.2, prompt_unit_price: 0.1 })).toEqual({
			prompt_price: 0.5,
			currency: 'USD',
			latency: 1.2,
			prompt_unit_price: 0.1,
		});
	});
});
