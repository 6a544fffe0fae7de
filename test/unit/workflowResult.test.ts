import type { IDataObject } from 'n8n-workflow';

import { binaryPropertyFor, findOutputFiles, isDifyFile } from '../../nodes/shared/helpers/outputFiles';
import { MAX_TRACE_ENTRIES, WorkflowResult } from '../../nodes/shared/helpers/workflowResult';
import { parseRunDetail } from '../../nodes/shared/helpers/workflowRuns';

const env = { task_id: 'task-1', workflow_run_id: 'run-1' };

function node(event: string, n: number, extra: IDataObject = {}): IDataObject {
	return {
		event,
		...env,
		data: { id: `exec-${n}`, node_id: `n${n}`, node_type: 'code', title: `Node ${n}`, inputs: { big: 'i'.repeat(1000) }, outputs: { big: 'o'.repeat(1000) }, elapsed_time: 0.5, status: 'succeeded', ...extra },
	};
}

const finished = (status: string, extra: IDataObject = {}): IDataObject => ({
	event: 'workflow_finished',
	...env,
	data: { id: 'run-1', workflow_id: 'wf-1', status, outputs: { answer: 42 }, error: null, elapsed_time: 1.5, total_tokens: 7, total_steps: 2, created_at: 100, finished_at: 102, exceptions_count: 0, ...extra },
});

describe('WorkflowResult', () => {
	it('builds the run fields from the stream and keeps ids from the envelope', () => {
		const r = new WorkflowResult({ includeNodeTrace: false, includeNodeData: false });
		r.add({ event: 'workflow_started', ...env, data: { id: 'run-1', workflow_id: 'wf-1', created_at: 100 } });
		expect(r.add({ event: 'text_chunk', ...env, data: { text: 'Hi' } })).toBe('Hi');
		r.add(node('node_finished', 1));
		r.add(finished('succeeded'));
		expect(r.result()).toEqual({
			workflow_run_id: 'run-1',
			task_id: 'task-1',
			workflow_id: 'wf-1',
			status: 'succeeded',
			outputs: { answer: 42 },
			error: null,
			elapsed_time: 1.5,
			total_tokens: 7,
			total_steps: 2,
			created_at: 100,
			finished_at: 102,
			exceptions_count: 0,
		});
	});

	it('keeps no node data at all when no trace is wanted', () => {
		const r = new WorkflowResult({ includeNodeTrace: false, includeNodeData: false });
		for (let n = 0; n < 50; n++) {
			r.add(node('node_started', n));
			r.add(node('node_finished', n));
		}
		// Nothing is retained per node (the Map would hold it).
		expect((r as unknown as { trace: Map<string, unknown> }).trace.size).toBe(0);
		expect(r.result().node_trace).toBeUndefined();
	});

	it('keeps a summary per node without inputs/outputs unless asked', () => {
		const summary = new WorkflowResult({ includeNodeTrace: true, includeNodeData: false });
		const full = new WorkflowResult({ includeNodeTrace: true, includeNodeData: true });
		for (const r of [summary, full]) {
			for (let n = 0; n < 1000; n++) {
				r.add(node('node_started', n));
				r.add(node('node_finished', n));
			}
			r.add(finished('succeeded'));
		}
		const trace = summary.result().node_trace as IDataObject[];
		expect(trace).toHaveLength(1000);
		expect(trace[0]).toEqual({ node_id: 'n0', title: 'Node 0', node_type: 'code', status: 'succeeded', elapsed_time: 0.5, error: null });
		// 1,000 nodes with 2 kB of data each: the summary holds none of it.
		const held = [...(summary as unknown as { trace: Map<string, IDataObject> }).trace.values()];
		expect(held.some((entry) => 'inputs' in entry || 'outputs' in entry)).toBe(false);
		expect(JSON.stringify(summary.result()).length).toBeLessThan(150_000);
		expect((full.result().node_trace as IDataObject[])[0]).toMatchObject({ inputs: { big: expect.any(String) }, outputs: { big: expect.any(String) } });
	});

	it('caps the trace and counts the nodes it left out', () => {
		const r = new WorkflowResult({ includeNodeTrace: true, includeNodeData: false });
		for (let n = 0; n < MAX_TRACE_ENTRIES + 10; n++) {
			r.add(node('node_started', n));
			r.add(node('node_finished', n));
		}
		const out = r.result();
		expect(out.node_trace).toHaveLength(MAX_TRACE_ENTRIES);
		expect(out.node_trace_dropped).toBe(10);
	});

	it('marks a running node, a failed node and a retry', () => {
		const r = new WorkflowResult({ includeNodeTrace: true, includeNodeData: false });
		r.add(node('node_started', 1));
		expect((r.result().node_trace as IDataObject[])[0].status).toBe('running');
		r.add(node('node_retry', 1, { status: 'retry', retry_index: 1 }));
		r.add(node('node_finished', 1, { status: 'failed', error: 'boom' }));
		r.add(finished('failed', { error: 'boom', outputs: null }));
		expect(r.failedNode).toBe('Node 1');
		expect(r.errorMessage).toBe('boom');
		expect((r.result().node_trace as IDataObject[])[0]).toMatchObject({ status: 'failed', error: 'boom' });
	});

	it('reports a paused run with its forms (stream and blocking)', () => {
		const form = { form_token: 'tok', node_id: 'h', node_title: 'Review', form_content: 'Check', inputs: [], actions: [{ id: 'ok' }], expiration_time: 9 };
		const s = new WorkflowResult({ includeNodeTrace: false, includeNodeData: false });
		s.add({ event: 'human_input_required', ...env, data: form });
		s.add({ event: 'workflow_paused', ...env, data: { workflow_run_id: 'run-1', paused_nodes: ['h'], outputs: {}, reasons: [{ TYPE: 'human_input_required', ...form }], status: 'paused', elapsed_time: 1, total_tokens: 0, total_steps: 1, created_at: 100 } });
		const b = new WorkflowResult({ includeNodeTrace: false, includeNodeData: false });
		b.addBlocking({ task_id: 'task-1', workflow_run_id: 'run-1', data: { id: 'run-1', workflow_id: 'wf-1', status: 'paused', outputs: {}, error: null, elapsed_time: 1, total_tokens: 0, total_steps: 1, created_at: 100, finished_at: null, paused_nodes: ['h'], reasons: [{ type: 'human_input_required', ...form }] } });
		for (const r of [s, b]) {
			const out = r.result();
			expect(out).toMatchObject({ workflow_run_id: 'run-1', status: 'paused', outputs: {}, finished_at: null });
			expect((out.pause as IDataObject).forms).toEqual([
				{ form_token: 'tok', node_id: 'h', node_title: 'Review', form_content: 'Check', inputs: [], actions: [{ id: 'ok' }], expiration_time: 9 },
			]);
		}
	});

	it('a resumed stream that finishes is finished, and keeps deprecation warnings', () => {
		const r = new WorkflowResult({ includeNodeTrace: false, includeNodeData: false });
		r.add({ event: 'warning', warning: 'sys.files is deprecated' });
		r.add({ event: 'workflow_paused', ...env, data: { status: 'paused' } });
		r.add(finished('succeeded'));
		expect(r.result()).toMatchObject({ status: 'succeeded', warnings: ['sys.files is deprecated'] });
		expect(r.result().pause).toBeUndefined();
	});
});

describe('parseRunDetail', () => {
	it('parses the inputs JSON string into an object', () => {
		expect(parseRunDetail({ id: 'r', inputs: '{"text":"hi","n":1}' }).inputs).toEqual({ text: 'hi', n: 1 });
		expect(parseRunDetail({ id: 'r', inputs: null }).inputs).toEqual({});
		expect(parseRunDetail({ id: 'r', inputs: 'not json' }).inputs).toBe('not json');
	});
});

describe('output files', () => {
	const file = (name: string) => ({ dify_model_identity: '__dify__file__', filename: name, url: `https://f/${name}`, transfer_method: 'local_file' });

	it('finds file objects anywhere in the outputs, with their paths', () => {
		const outputs = { report: file('a.pdf'), images: [file('b.png'), file('c.png')], nested: { deep: file('d.txt') }, text: 'x', legacy: { url: 'u', filename: 'e.txt', transfer_method: 'remote_url' } };
		expect(findOutputFiles(outputs).map((f) => f.path)).toEqual(['report', 'images[0]', 'images[1]', 'nested.deep', 'legacy']);
		expect(isDifyFile({ url: 'u' })).toBe(false);
	});

	it('names binary properties after the output path, without collisions', () => {
		const taken = new Set<string>();
		expect(binaryPropertyFor('images[1]', taken)).toBe('images_1');
		expect(binaryPropertyFor('nested.deep', taken)).toBe('nested_deep');
		expect(binaryPropertyFor('nested_deep', taken)).toBe('nested_deep_2');
		expect(binaryPropertyFor('', taken)).toBe('file');
	});
});
