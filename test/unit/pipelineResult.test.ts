import { DatasourceResult, PipelineRunFold } from '../../nodes/DifyKnowledge/helpers/pipelineRun';

describe('DatasourceResult (a datasource node\'s stream as one item)', () => {
	it('joins the data lists of several datasource_completed events, in order (online documents and drives page their results)', () => {
		const fold = new DatasourceResult();
		fold.add({ event: 'datasource_processing', total: 0, completed: 0 });
		fold.add({ event: 'datasource_completed', data: [{ workspace_id: 'w1', pages: [{ page_id: 'a' }] }], total: 0, completed: 0, time_consuming: 0.5 });
		fold.add({ event: 'datasource_completed', data: [{ workspace_id: 'w2', pages: [{ page_id: 'b' }] }], total: null, completed: null, time_consuming: 1.25 });
		expect(fold.result()).toEqual({
			data: [
				{ workspace_id: 'w1', pages: [{ page_id: 'a' }] },
				{ workspace_id: 'w2', pages: [{ page_id: 'b' }] },
			],
			total: null,
			completed: null,
			time_consuming: 1.25,
			results: 2,
		});
	});

	it('keeps a single result as Dify sent it, and lists results that are not lists', () => {
		const single = new DatasourceResult();
		single.add({ event: 'datasource_completed', data: { content: 'page' }, total: 1, completed: 1, time_consuming: 0.1 });
		expect(single.result()).toMatchObject({ data: { content: 'page' }, total: 1, completed: 1, results: 1 });
		const mixed = new DatasourceResult();
		mixed.add({ event: 'datasource_completed', data: { a: 1 } });
		mixed.add({ event: 'datasource_completed', data: [{ b: 2 }] });
		expect(mixed.result().data).toEqual([{ a: 1 }, [{ b: 2 }]]);
	});
});

describe('PipelineRunFold', () => {
	it('tells a published run\'s queued documents from a draft run\'s result', () => {
		const published = new PipelineRunFold();
		published.addBlocking({ batch: '20261202043000123456', dataset: { id: 'd' }, documents: [] });
		expect(published.queued).toEqual({ batch: '20261202043000123456', dataset: { id: 'd' }, documents: [] });
		const draft = new PipelineRunFold();
		draft.addBlocking({ task_id: 't', workflow_run_id: 'r', data: { id: 'r', status: 'succeeded', outputs: { x: 1 } } });
		expect(draft.queued).toBeUndefined();
		expect(draft.run.result()).toMatchObject({ workflow_run_id: 'r', task_id: 't', status: 'succeeded', outputs: { x: 1 } });
	});
});
