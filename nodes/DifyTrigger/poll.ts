import type { IDataObject, INodeExecutionData, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { appTypeNames, wrongAppTypeMessage } from '../shared/appTypes';
import { difyRequest } from '../shared/transport/request';
import { appTarget, TRIGGER_NAME } from './targets';
import { advance, DEFAULT_MAX_EVENTS_PER_POLL, readCursor } from './cursor';
import type { DifyTriggerEvent, StampedEvent } from './types';

/** A wrong app type would otherwise poll forever and see nothing (Dify lists no logs for chatflows). */
async function checkAppMode(this: IPollFunctions, event: DifyTriggerEvent): Promise<void> {
	if (!event.appModes) return;
	const info = await difyRequest.call(this, appTarget(event.appModes), { method: 'GET', path: '/info' });
	const mode = String(info.mode ?? '');
	if (mode && !event.appModes.includes(mode)) {
		const app = { mode, name: typeof info.name === 'string' ? info.name : undefined };
		throw new NodeApiError(this.getNode(), { mode, name: info.name } as JsonObject, {
			message: wrongAppTypeMessage(app, { nodeDisplayName: TRIGGER_NAME, modes: event.appModes }),
			description: `The "${event.name}" event reads the API of a ${appTypeNames(event.appModes)} app: select a Dify API credential with the key of such an app (its "API Access" page in Dify), or choose an event this app type offers.`,
		});
	}
}

function output(events: StampedEvent[]): INodeExecutionData[] {
	return events.map((e) => ({ json: e.json }));
}

/**
 * The poll of the Dify Trigger: reads what happened since the cursor, emits each event once, oldest
 * first, and moves the cursor only after everything was read, so a failed poll loses nothing.
 * "Fetch Test Event" shows the newest matching event and leaves the cursor alone.
 */
export async function pollEvent(this: IPollFunctions, event: DifyTriggerEvent): Promise<INodeExecutionData[][] | null> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	if (this.getMode() === 'manual') {
		await checkAppMode.call(this, event);
		// Stable sort: of the rows in the newest second, the one Dify lists first is the newest.
		const newest = (await event.fetch.call(this, { firstPageOnly: true })).filter((e) => e.final).sort((a, b) => b.at - a.at)[0];
		if (!newest) {
			throw new NodeOperationError(this.getNode(), `No "${event.name}" event found in Dify yet`, {
				description: 'Nothing matches the event and its filters so far. Make it happen once in Dify (or loosen the filters), then fetch again.',
			});
		}
		await event.enrich?.call(this, [newest]);
		return [output([newest])];
	}

	const staticData = this.getWorkflowStaticData('node');
	const nowSeconds = Math.floor(Date.now() / 1000);
	const stored = readCursor(staticData.cursor, nowSeconds);
	let notice = typeof staticData.notice === 'string' ? staticData.notice : undefined;
	if (stored.problem) {
		// Healed, not fatal: a fresh start at "now", said once in the next output (the package logs nothing).
		notice = `The trigger's saved position was unusable (${stored.problem}), so it started afresh at ${new Date(nowSeconds * 1000).toISOString()}: events before that were not emitted.`;
	}
	const previous = stored.cursor;
	const key = `${event.value}|${event.scope.call(this)}`;
	const fresh = previous?.key !== key;
	const emitExisting = options.includeExisting === true && !stored.problem;
	if (fresh) await checkAppMode.call(this, event);
	const rows = await event.fetch.call(
		this,
		fresh ? (emitExisting ? {} : { firstPageOnly: true }) : { since: previous!.since - event.overlapSeconds },
	);
	const maxEvents = Number(options.maxEventsPerPoll ?? DEFAULT_MAX_EVENTS_PER_POLL);
	const { emit, cursor } = advance(key, previous, rows, {
		overlap: event.overlapSeconds,
		nowSeconds,
		emitExisting,
		maxEvents: Number.isFinite(maxEvents) && maxEvents >= 1 ? Math.floor(maxEvents) : DEFAULT_MAX_EVENTS_PER_POLL,
	});
	if (emit.length) await event.enrich?.call(this, emit);
	staticData.cursor = cursor as unknown as IDataObject;
	const items = output(emit);
	if (notice && items.length) {
		items[0].json = { ...items[0].json, trigger_notice: notice };
		notice = undefined;
	}
	if (notice) staticData.notice = notice;
	else delete staticData.notice;
	return items.length ? [items] : null;
}
