import type { IDataObject } from 'n8n-workflow';

import { call } from '../dify-server/testClient';
import { runPoll, type PollResult } from '../harness/n8n';
import { useDifyServer } from './support';

/**
 * The trigger's saved cursor heals: damaged static data, a row stamped in the future and a large
 * backlog never break or blind it. Over HTTP, through n8n-core's PollContext.
 */
const server = useDifyServer();
const KEY = 'workflowRunFinished|{"s":[],"k":""}';

function poller(parameters: IDataObject, staticData: IDataObject = {}) {
	let data = staticData;
	const poll = async (): Promise<PollResult> => {
		const result = await runPoll({ parameters, credentials: { difyApi: { baseUrl: server().apiBase, apiKey: server().keys.workflow } }, staticData: data });
		data = result.staticData;
		return result;
	};
	return { poll, staticData: () => data };
}

async function runWorkflow(text: string): Promise<string> {
	const res = await call(server().apiBase, '/workflows/run', { key: server().keys.workflow, json: { inputs: { text }, user: 'alice', response_mode: 'blocking' } });
	return (res.json as IDataObject).workflow_run_id as string;
}

const runIds = (result: PollResult) => (result.items ?? []).map((i) => i.json.workflow_run_id as string);
const cursorOf = (data: IDataObject) => (data['node:Dify Trigger'] as IDataObject).cursor as { since: number; seen: unknown[] };

describe('a damaged cursor is replaced by a fresh start, said once', () => {
	it.each([
		['a time that is not a number, a list that is not one', { key: KEY, since: 'garbage', seen: 'abc' }],
		['a time far in the future', { key: KEY, since: 1e20, seen: [] }],
		['seen entries that are not events', { key: KEY, since: 1_700_000_000, seen: 5 }],
	])('%s', async (_what, cursor) => {
		const trigger = poller({ event: 'workflowRunFinished' }, { 'node:Dify Trigger': { cursor } });
		await runWorkflow('before the repair');
		const healed = await trigger.poll();
		expect(healed.error).toBeUndefined();
		expect(healed.items).toBeNull();

		const after = await runWorkflow('after the repair');
		const next = await trigger.poll();
		expect(runIds(next)).toEqual([after]);
		expect(next.items![0].json.trigger_notice).toMatch(/^The trigger's saved position was unusable \(.+\), so it started afresh at \d{4}-/);

		const later = await runWorkflow('later');
		const third = await trigger.poll();
		expect(runIds(third)).toEqual([later]);
		expect(third.items![0].json.trigger_notice).toBeUndefined();
	});
});

describe('a row stamped in the future', () => {
	it('is emitted once, but does not move the cursor past now, so later events still come', async () => {
		const trigger = poller({ event: 'workflowRunFinished' });
		await trigger.poll();
		const real = await call(server().apiBase, '/workflows/logs?page=1&limit=100', { key: server().keys.workflow, method: 'GET' });
		const page = real.json as IDataObject;
		const template = { id: 'f0000000-0000-4000-8000-00000000f00d', created_at: '2099-01-01T00:00:00Z', created_from: 'service-api', created_by_role: 'end_user', created_by_account: null, created_by_end_user: null, workflow_run: { id: 'f0000000-0000-4000-8000-00000000beef', status: 'succeeded', created_at: 4_070_908_800 } };
		server().misbehave({ method: 'GET', path: '/workflows/logs', fixedJson: { status: 200, body: { ...page, data: [template], total: 1, has_more: false } } });
		const future = await trigger.poll();
		expect(runIds(future)).toEqual(['f0000000-0000-4000-8000-00000000beef']);
		expect(cursorOf(trigger.staticData()).since).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

		const later = await runWorkflow('after the future row');
		expect(runIds(await trigger.poll())).toEqual([later]);
	});
});

describe('a backlog comes out in bounded polls', () => {
	it('emits at most Max Events per Poll, oldest first, and the next polls continue exactly where it stopped', async () => {
		const trigger = poller({ event: 'workflowRunFinished', options: { maxEventsPerPoll: 5 } });
		await trigger.poll();
		const backlog: string[] = [];
		for (let k = 0; k < 12; k++) backlog.push(await runWorkflow(`backlog ${k}`));
		const first = await trigger.poll();
		const second = await trigger.poll();
		const third = await trigger.poll();
		expect([runIds(first).length, runIds(second).length, runIds(third).length]).toEqual([5, 5, 2]);
		expect([...runIds(first), ...runIds(second), ...runIds(third)]).toEqual(backlog);
		expect((await trigger.poll()).items).toBeNull();
	});
});
