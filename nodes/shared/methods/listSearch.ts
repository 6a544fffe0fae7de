import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { DIFY_MAX_PAGE_SIZE } from '../transport/pagination';
import { difyRequest } from '../transport/request';
import { DEFAULT_USER } from '../helpers/common';
import { loadTarget } from './nodeSpec';

const PAGE = DIFY_MAX_PAGE_SIZE;

/** Lists the current User's conversations for the Conversation picker, newest activity first. */
export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let user = DEFAULT_USER;
	try {
		const current = String(this.getCurrentNodeParameter('user') ?? '');
		// An expression cannot be resolved without input data: list the default user's conversations.
		if (current && !current.startsWith('=')) user = current;
	} catch {
		// keep the default
	}
	const page = await difyRequest.call(
		this,
		loadTarget.call(this),
		{ method: 'GET', path: '/conversations', qs: { user, limit: PAGE, last_id: paginationToken || undefined, sort_by: '-updated_at' }, user },
	);
	const data = (page.data as IDataObject[]) ?? [];
	const needle = filter?.trim().toLowerCase();
	const results = data
		.filter((c) => !needle || String(c.name ?? '').toLowerCase().includes(needle) || String(c.id).includes(needle))
		.map((c) => ({ name: String(c.name || c.id), value: String(c.id) }));
	return {
		results,
		paginationToken: page.has_more && data.length ? String(data[data.length - 1].id) : undefined,
	};
}
