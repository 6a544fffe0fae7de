import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import type { DifyCredentialType } from '../shared/types';

/** One thing that happened in Dify, with what the cursor needs: a stable id and a time in seconds. */
export interface StampedEvent {
	id: string;
	/** Unix seconds; the cursor orders and windows events by it. */
	at: number;
	/** False while the thing is not done yet (a document still indexing): not emitted, looked at again. */
	final: boolean;
	json: IDataObject;
}

/** What the poll loop asks an event for. */
export interface FetchRequest {
	/** Every event at or after this time (Unix seconds); undefined: all that exist. */
	since?: number;
	/** Only the newest page: enough to learn where "now" is, or to show the latest event. */
	firstPageOnly?: boolean;
}

/**
 * One event of the Dify Trigger, like an operation of the app nodes: its fields and its code
 * together. The poll loop (poll.ts) owns the cursor; an event only lists what happened.
 */
export interface DifyTriggerEvent {
	value: string;
	name: string;
	description: string;
	credential: DifyCredentialType;
	/** Dify app modes whose API serves the event, checked when the trigger starts; none for Knowledge events. */
	appModes?: string[];
	/** Seconds before the newest event that every poll reads again, for rows that Dify writes late. */
	overlapSeconds: number;
	properties: INodeProperties[];
	/** What the cursor follows: changing the event, user, knowledge base or filters starts afresh. */
	scope(this: IPollFunctions): string;
	/** The events at or after `since`, newest first (as Dify lists them), final or not, filters applied. */
	fetch(this: IPollFunctions, request: FetchRequest): Promise<StampedEvent[]>;
	/** Adds detail to the events about to be emitted (costs requests: the README says how many). */
	enrich?(this: IPollFunctions, events: StampedEvent[]): Promise<void>;
}
