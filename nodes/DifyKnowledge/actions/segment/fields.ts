import type { IExecuteFunctions } from 'n8n-workflow';
import { idField } from '../../helpers/locators';
import { documentPath, enc, idParam } from '../../helpers/request';

export const segmentId = idField('Chunk ID', 'segmentId', 'ID of the chunk (segment), as Chunk → Get Many lists it');

export function segmentPath(this: IExecuteFunctions, i: number): string {
	return `${documentPath.call(this, i)}/segments/${enc(idParam.call(this, 'segmentId', 'Chunk ID', i))}`;
}

export function keywords(raw: unknown): string[] {
	return (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',')).map((k) => k.trim()).filter(Boolean);
}

