import type { IExecuteFunctions } from 'n8n-workflow';
import { datasetLocator, documentLocator, idField } from '../../helpers/locators';
import { enc, idParam } from '../../helpers/request';
import { segmentId, segmentPath } from '../segment/fields';

export const childChunkId = idField('Child Chunk ID', 'childChunkId', 'ID of the child chunk, as Child Chunk → Get Many lists it');

export const content = { displayName: 'Content', name: 'content', type: 'string' as const, typeOptions: { rows: 3 }, default: '', required: true };

export const parentFields = [datasetLocator(), documentLocator(), segmentId];

export function childPath(this: IExecuteFunctions, i: number): string {
	return `${segmentPath.call(this, i)}/child_chunks/${enc(idParam.call(this, 'childChunkId', 'Child Chunk ID', i))}`;
}

