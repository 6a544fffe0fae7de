import { randomUUID } from 'node:crypto';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, notFound, nowSeconds, pydanticError, queryInt, readJsonObject } from './http';
import type { Annotation, AppRuntime, ServerState } from './state';

/** Dify serves at most 100 annotations per page while echoing the requested limit. */
const PAGE_CAP = 100;

export function matchAnnotation(state: ServerState, app: AppRuntime, query: string): Annotation | undefined {
	if (!app.features.annotationReply) return undefined;
	const q = query.trim().toLowerCase();
	const hit = [...state.annotations.values()].find((a) => a.appId === app.id && a.question.trim().toLowerCase() === q);
	if (hit) hit.hitCount += 1;
	return hit;
}

const view = (a: Annotation) => ({ id: a.id, question: a.question, answer: a.answer, hit_count: a.hitCount, created_at: a.createdAt });

function questionAnswer(body: Record<string, unknown>, model: string): { question: string; answer: string } {
	for (const field of ['question', 'answer']) {
		const value = body[field];
		if (value === undefined) throw pydanticError(model, field, 'Field required', 'missing', body);
		if (typeof value !== 'string') throw pydanticError(model, field, 'Input should be a valid string', 'string_type', value);
	}
	return { question: body.question as string, answer: body.answer as string };
}

function list(ctx: Ctx) {
	const page = queryInt(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
	const limit = queryInt(ctx, 'limit', 20, 1, Number.MAX_SAFE_INTEGER);
	const keyword = (ctx.query.get('keyword') ?? '').toLowerCase();
	const rows = [...ctx.state.annotations.values()]
		.filter((a) => a.appId === ctx.app!.id)
		.filter((a) => !keyword || a.question.toLowerCase().includes(keyword) || a.answer.toLowerCase().includes(keyword))
		.sort((a, b) => b.seq - a.seq);
	const size = Math.min(limit, PAGE_CAP);
	const data = rows.slice((page - 1) * size, page * size).map(view);
	// has_more is Dify's len==limit heuristic: wrong when the cap shortened the page.
	return ctx.out.json(200, { data, has_more: data.length === limit, limit, total: rows.length, page });
}

function find(ctx: Ctx): Annotation {
	const a = ctx.state.annotations.get(ctx.params.annotation_id);
	if (!a || a.appId !== ctx.app!.id) throw notFound('Annotation not found');
	return a;
}

function checkAction(action: string): 'enable' | 'disable' {
	if (action !== 'enable' && action !== 'disable') {
		// Dify has no guard here: the unknown action blows up inside the service.
		throw new HttpError(500, 'internal_server_error', 'Internal Server Error');
	}
	return action;
}

export function registerAnnotationRoutes(router: Router): void {
	router.add('GET', '/apps/annotations', 'app', list);

	router.add('POST', '/apps/annotations', 'app', (ctx) => {
		const { question, answer } = questionAnswer(readJsonObject(ctx), 'AnnotationCreatePayload');
		const a: Annotation = {
			id: randomUUID(),
			appId: ctx.app!.id,
			question,
			answer,
			hitCount: 0,
			createdAt: nowSeconds(),
			seq: ctx.state.nextSeq(),
		};
		ctx.state.annotations.set(a.id, a);
		return ctx.out.json(201, view(a));
	});

	router.add('PUT', '/apps/annotations/{annotation_id:uuid}', 'app', (ctx) => {
		const body = readJsonObject(ctx);
		const a = find(ctx);
		Object.assign(a, questionAnswer(body, 'AnnotationCreatePayload'));
		return ctx.out.json(200, view(a));
	});

	router.add('DELETE', '/apps/annotations/{annotation_id:uuid}', 'app', (ctx) => {
		const a = find(ctx);
		ctx.state.annotations.delete(a.id);
		return ctx.out.empty(204);
	});

	router.add('POST', '/apps/annotation-reply/{action}', 'app', (ctx) => {
		const body = readJsonObject(ctx);
		const action = checkAction(ctx.params.action);
		if (typeof body.score_threshold !== 'number') {
			throw pydanticError('AnnotationReplyActionPayload', 'score_threshold', 'Field required', 'missing', body);
		}
		for (const field of ['embedding_provider_name', 'embedding_model_name']) {
			if (typeof body[field] !== 'string') throw pydanticError('AnnotationReplyActionPayload', field, 'Field required', 'missing', body);
		}
		const job = { id: randomUUID(), appId: ctx.app!.id, action, polls: 0 };
		ctx.state.annotationJobs.set(job.id, job);
		ctx.app!.features.annotationReply = action === 'enable';
		return ctx.out.json(200, { job_id: job.id, job_status: 'waiting' });
	});

	router.add('GET', '/apps/annotation-reply/{action}/status/{job_id}', 'app', (ctx) => {
		const action = checkAction(ctx.params.action);
		const job = ctx.state.annotationJobs.get(ctx.params.job_id);
		if (!job || job.appId !== ctx.app!.id || job.action !== action) throw invalidParam('The job does not exist.');
		job.polls += 1;
		return ctx.out.json(200, { job_id: job.id, job_status: job.polls >= 2 ? 'completed' : 'waiting', error_msg: '' });
	});
}
