import { NodeApiError } from 'n8n-workflow';
import type { ILoadOptionsFunctions, JsonObject } from 'n8n-workflow';

import { ALL_NODES } from '../operationTable';
import { appAdvice } from '../appErrors';
import { wrongAppTypeMessage } from '../appTypes';
import { getConnection, lookUpApp, type DifyTarget } from '../transport/request';
import type { DifyNodeSpec } from '../types';

/** The operation-table row of the node whose form asks (its AI-tool variant included). */
export function nodeSpecOf(this: ILoadOptionsFunctions): DifyNodeSpec | undefined {
	const type = this.getNode().type.split('.').pop() ?? '';
	return ALL_NODES.find((spec) => type === spec.name || type === `${spec.name}Tool`);
}

/** Whom a form's request is for: the node's credential and name, so errors name the right node. */
export function loadTarget(this: ILoadOptionsFunctions): DifyTarget {
	const spec = nodeSpecOf.call(this);
	return spec ? { credential: spec.credential, advise: spec.advise } : { credential: 'difyApi', advise: appAdvice({ nodeDisplayName: 'this node', modes: [] }) };
}

/**
 * Fails with the same sentence a run gives when the credential's key belongs to an app this node
 * does not serve (GET /info). For forms whose Dify endpoint answers every app type alike.
 */
export async function assertAppType(this: ILoadOptionsFunctions, target: DifyTarget): Promise<void> {
	const spec = nodeSpecOf.call(this);
	if (!spec) return;
	const app = await lookUpApp.call(this, target, await getConnection.call(this, target));
	if (app && !spec.modes.includes(app.mode)) {
		throw new NodeApiError(this.getNode(), { mode: app.mode, name: app.name ?? null } as JsonObject, {
			message: wrongAppTypeMessage(app, { nodeDisplayName: spec.displayName, modes: spec.modes }),
			description: 'Dify API keys belong to one app each; the key is on the app\'s "API Access" page in Dify.',
		});
	}
}
