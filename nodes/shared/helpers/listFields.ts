import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Take } from '../transport/pagination';

/** n8n's Return All / Limit pair, as every "Get Many" operation shows it. */
export function returnAllFields(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

export function getTake(this: IExecuteFunctions, i: number): Take {
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	return { returnAll, limit: returnAll ? 0 : (this.getNodeParameter('limit', i, 50) as number) };
}
