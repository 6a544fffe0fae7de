import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { DifyRequest } from '../transport/request';
import type { StreamState } from '../transport/stream';

/** Reattaches in a row that bring no new event before the node gives up (a run may need many). */
export const MAX_ATTEMPTS_WITHOUT_PROGRESS = 5;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/** What a node does when its stream is cut after the run started (workflow and chatflow runs). */
export interface ReattachPlan {
	/** Dify refused to reattach (404: a Dify without the events route, or the run is not reachable). */
	refused(this: IExecuteFunctions, runId: string, deadline: number, cause: Error): Promise<void>;
	/** A reattached stream started from "now", so events sent while disconnected may be missing. */
	afterGap?(this: IExecuteFunctions, state: StreamState): Promise<void>;
}

/** `GET /workflow/{run}/events` as the user that started the run (Dify answers 404 to anyone else). */
export function eventsRequest(runId: string, req: DifyRequest): DifyRequest {
	return { method: 'GET', path: `/workflow/${encodeURIComponent(runId)}/events`, qs: { user: req.user }, user: req.user, itemIndex: req.itemIndex };
}

/** Doubling pause before attempt `n` (1-based), never past the run's deadline. */
export async function backOff(attempt: number, deadline: number, signal: AbortSignal | undefined): Promise<void> {
	const wait = Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS, Math.max(0, deadline - Date.now()));
	if (wait > 0) await sleep(wait, signal);
}

const isResumption = (event: IDataObject) => (event.data as IDataObject | undefined)?.reason === 'resumption';

/**
 * Keeps a reattached stream from repeating what the node already has. Dify's events route replays
 * the run from its first event when its event bus keeps a log (Redis Streams), and sends only what
 * happens from now on with plain Pub/Sub, its default. A reattached stream that opens with the run's
 * first `workflow_started` is a replay: as many events as were already taken are skipped. Any other
 * opening means "from now": nothing is skipped except node events already seen (by execution ID),
 * and `gap` records that events of the disconnected time may be missing.
 */
export class ReplayFilter {
	/** Events taken since (and with) the run's first `workflow_started`. */
	private taken = 0;
	private skip = 0;
	private opening = false;
	private progressed = false;
	private readonly nodeEvents = new Set<string>();
	gap = false;

	/** A new connection to the run begins. */
	reconnect(): void {
		this.opening = true;
		this.skip = 0;
		this.progressed = false;
	}

	/** Whether the last connection brought an event the node did not have yet. */
	get madeProgress(): boolean {
		return this.progressed;
	}

	/** Whether `event` is new to the node. */
	accept(event: IDataObject): boolean {
		if (this.opening) {
			this.opening = false;
			if (event.event === 'workflow_started' && !isResumption(event) && this.taken > 0) this.skip = this.taken;
			else this.gap = true;
		}
		if (this.skip > 0) {
			this.skip--;
			return false;
		}
		if (typeof event.event === 'string' && event.event.startsWith('node_')) {
			const data = (event.data as IDataObject | undefined) ?? {};
			if (typeof data.id === 'string') {
				const key = `${event.event}:${data.id}:${String(data.retry_index ?? '')}`;
				if (this.nodeEvents.has(key)) return false;
				this.nodeEvents.add(key);
			}
		}
		if (event.event === 'workflow_started' && !isResumption(event) && this.taken > 0) return false;
		if (this.taken > 0 || event.event === 'workflow_started') this.taken++;
		this.progressed = true;
		return true;
	}
}

/** The error when reattaching did not work out: the run may still finish in Dify. */
export function gaveUp(this: IExecuteFunctions, runId: string, attempts: number, cause: Error, itemIndex: number | undefined): NodeOperationError {
	return new NodeOperationError(this.getNode(), `${cause.message}; ${attempts} attempts to reattach to run ${runId} failed`, {
		itemIndex,
		description:
			'The connection to Dify kept dropping and reattaching to the run brought nothing new. The run may still finish in Dify: read its outcome with "Get Run" (workflow apps) or the conversation\'s messages (chatflow apps). The generation was not sent again.',
	});
}
