import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_EVENTS_PER_POLL } from '../cursor';
import type { DifyTriggerEvent } from '../types';
import { documentIndexed } from './documentIndexed.event';
import { newConversation } from './newConversation.event';
import { newFeedback } from './newFeedback.event';
import { newMessage } from './newMessage.event';
import { workflowRunFinished } from './workflowRunFinished.event';

/** The Dify Trigger's events, as the operation table is for the app nodes. */
export const TRIGGER_EVENTS: DifyTriggerEvent[] = [workflowRunFinished, newFeedback, newConversation, newMessage, documentIndexed];

export function findEvent(value: string): DifyTriggerEvent | undefined {
	return TRIGGER_EVENTS.find((e) => e.value === value);
}

/** The trigger's form: the Event picker, each event's own fields, then the shared options. */
export function buildEventProperties(): INodeProperties[] {
	const defaultEvent = TRIGGER_EVENTS[0].value;
	const properties: INodeProperties[] = [
		{
			displayName: 'Event',
			name: 'event',
			type: 'options',
			noDataExpression: true,
			options: TRIGGER_EVENTS.map((e) => ({ name: e.name, value: e.value, description: e.description })),
			default: defaultEvent,
		},
	];
	for (const event of TRIGGER_EVENTS) {
		for (const field of event.properties) {
			properties.push({ ...field, displayOptions: { show: { event: [event.value] } } });
		}
	}
	properties.push({
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Existing Events',
				name: 'includeExisting',
				type: 'boolean',
				default: false,
				description: 'Whether the first poll after activation emits everything Dify already has. Off: only what happens after activation.',
			},
			{
				displayName: 'Max Events per Poll',
				name: 'maxEventsPerPoll',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_EVENTS_PER_POLL,
				description: 'Most events one poll emits, oldest first. A larger backlog (after a pause, or with Include Existing Events) comes out over the next polls, nothing lost or repeated.',
			},
		],
	});
	return properties;
}
