import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodeProperties } from 'n8n-workflow';

import { appSummary } from '../appTypes';
import { difyRequest } from '../transport/request';
import { loadTarget, nodeSpecOf } from './nodeSpec';

/** The field's only value: the app is whichever one the credential's key belongs to. */
const FROM_CREDENTIAL = 'credential';

/**
 * "Credential's App": shows which Dify app the selected credential's key belongs to (GET /info), so a
 * key of the wrong app type shows up before anything runs. It is also what makes Fields From the App
 * follow the credential: n8n 2.x reloads a resource locator's list when the node's credential changes
 * and stores the new entry's name in the parameter, while a resource mapper reloads only when a
 * parameter named in its loadOptionsDependsOn changes (n8n 2.41's ResourceLocator.vue and
 * ResourceMapper.vue). The value stays the same, so the editor keeps it on every switch and only the
 * name changes; Input Fields depend on that name. The node never reads the value when it runs.
 */
export const credentialAppProperty: INodeProperties = {
	displayName: "Credential's App",
	name: 'credentialApp',
	type: 'resourceLocator',
	// A non-empty value: n8n refreshes a list entry on a credential switch only when one is set.
	// The empty name shows the placeholder until the list has been read.
	default: { __rl: true, mode: 'list', value: FROM_CREDENTIAL, cachedResultName: '' },
	description:
		"The Dify app the credential's API key belongs to, as Dify reports it. Open the list to check it; it updates when another credential is selected. Not sent to Dify.",
	modes: [
		{
			displayName: 'From Credential',
			name: 'list',
			type: 'list',
			placeholder: "Open to see which Dify app the credential's key belongs to",
			typeOptions: { searchListMethod: 'searchCredentialApp' },
		},
	],
};

/** The one entry of the Credential's App list: the key's app, or why it cannot be read. */
export async function searchCredentialApp(this: ILoadOptionsFunctions): Promise<INodeListSearchResult> {
	const spec = nodeSpecOf.call(this);
	let name: string;
	try {
		const info = await difyRequest.call(this, loadTarget.call(this), { method: 'GET', path: '/info' });
		const mode = typeof info.mode === 'string' ? info.mode : 'unknown';
		const app = { mode, name: typeof info.name === 'string' ? info.name : undefined };
		name = spec ? appSummary(app, { nodeDisplayName: spec.displayName, modes: spec.modes }) : appSummary(app, { nodeDisplayName: 'this', modes: [mode] });
	} catch (error) {
		// An entry, not an error: n8n clears a value it cannot find in the list after a credential
		// switch, and a cleared field is not refreshed on the next one.
		const { message, description } = error as IDataObject;
		name = `Cannot read the app: ${[message, description].filter((t) => typeof t === 'string' && t).join(' ')}`;
	}
	return { results: [{ name, value: FROM_CREDENTIAL }] };
}
