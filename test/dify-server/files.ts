import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, isUuid, nowSeconds, queryBool } from './http';
import { multipartBoundary, parseMultipart, type PartInfo, type PartSink } from './multipart';
import type { AppRuntime, EndUser, ServerState, UploadedFile } from './state';
import { TENANT_ID } from './state';
import { endUserFor, optionalUserArg } from './users';

const CATEGORY_EXTENSIONS: Record<'image' | 'video' | 'audio', string[]> = {
	image: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'svg'],
	video: ['mp4', 'mov', 'mpeg', 'webm'],
	audio: ['mp3', 'm4a', 'wav', 'amr', 'mpga'],
};
const DOCUMENT_EXTENSIONS = ['txt', 'markdown', 'md', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'docx', 'csv', 'vtt', 'properties'];

export function extensionOf(filename: string): string {
	const dot = filename.lastIndexOf('.');
	return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

/** Dify's file `type` for a name: decides both the size limit and what `files` may carry. */
export function fileTypeOf(extension: string): 'image' | 'video' | 'audio' | 'document' | 'custom' {
	for (const [type, exts] of Object.entries(CATEGORY_EXTENSIONS)) {
		if (exts.includes(extension)) return type as 'image' | 'video' | 'audio';
	}
	return DOCUMENT_EXTENSIONS.includes(extension) ? 'document' : 'custom';
}

function sizeLimit(state: ServerState, extension: string): number {
	const type = fileTypeOf(extension);
	if (type === 'image') return state.uploadLimits.imageBytes;
	if (type === 'video') return state.uploadLimits.videoBytes;
	if (type === 'audio') return state.uploadLimits.audioBytes;
	return state.uploadLimits.fileBytes;
}

/** Signed, expiring URL like Dify's FILES_URL links; served by this server without an API key. */
export function signedFileUrl(state: ServerState, fileId: string): string {
	const timestamp = String(nowSeconds());
	const nonce = randomBytes(16).toString('hex');
	const sign = createHmac('sha256', state.fileSecret).update(`file-preview|${fileId}|${timestamp}|${nonce}`).digest('base64url');
	return `${state.baseUrl}/files/${fileId}/file-preview?timestamp=${timestamp}&nonce=${nonce}&sign=${sign}`;
}

const FILE_ACCESS_TIMEOUT_S = 300;

function verifySignature(state: ServerState, fileId: string, query: URLSearchParams): boolean {
	const timestamp = query.get('timestamp') ?? '';
	const nonce = query.get('nonce') ?? '';
	const expected = createHmac('sha256', state.fileSecret).update(`file-preview|${fileId}|${timestamp}|${nonce}`).digest('base64url');
	return query.get('sign') === expected && nowSeconds() - Number(timestamp) <= FILE_ACCESS_TIMEOUT_S;
}

/** Writes one upload to disk; past the size limit it only counts, so a huge body is never kept. */
class UploadSink implements PartSink {
	size = 0;
	exceeded = false;
	private stream: WriteStream | null;

	constructor(
		readonly path: string,
		private readonly limit: number,
	) {
		this.stream = createWriteStream(path);
	}

	async write(chunk: Buffer): Promise<void> {
		this.size += chunk.length;
		if (this.size > this.limit) {
			this.exceeded = true;
			await this.end();
			return;
		}
		const s = this.stream;
		if (s && !s.write(chunk)) await new Promise<void>((resolve) => s.once('drain', resolve));
	}

	end(): Promise<void> {
		const s = this.stream;
		this.stream = null;
		if (!s) return Promise.resolve();
		return new Promise((resolve) => s.end(resolve));
	}
}

const discardSink: PartSink = { write: () => undefined, end: () => undefined };

/** Parses a Dify-style single-file multipart body; shared by /files/upload and /audio-to-text. */
export async function receiveSingleFile(
	ctx: Ctx,
	limitFor: (info: PartInfo) => number,
): Promise<{ fields: Record<string, string>; fileNames: Set<string>; file?: { info: PartInfo; sink: UploadSink } }> {
	const boundary = multipartBoundary(ctx.req.headers['content-type']);
	if (!boundary) {
		return { fields: {}, fileNames: new Set() };
	}
	let first: { info: PartInfo; sink: UploadSink } | undefined;
	const parsed = await parseMultipart(ctx.req, boundary, (info) => {
		if (info.name === 'file' && !first) {
			first = { info, sink: new UploadSink(join(ctx.state.uploadDir, randomUUID()), limitFor(info)) };
			return first.sink;
		}
		return discardSink;
	});
	ctx.record.rawBodyLength = parsed.totalBytes;
	ctx.record.multipart = {
		fields: parsed.fields,
		files: parsed.files.map(({ info: _info, ...rest }) => rest),
	};
	return { fields: parsed.fields, fileNames: new Set(parsed.files.map((f) => f.name)), file: first };
}

export function discardUpload(file: { sink: UploadSink } | undefined): void {
	if (file) rmSync(file.sink.path, { force: true });
}

function truncateName(name: string): string {
	if (name.length <= 200) return name;
	const ext = extensionOf(name);
	return ext ? `${name.slice(0, 200 - ext.length - 1)}.${ext}` : name.slice(0, 200);
}

export function uploadResponse(state: ServerState, file: UploadedFile) {
	return {
		id: file.id,
		name: file.name,
		size: file.size,
		extension: file.extension,
		mime_type: file.mimeType,
		created_by: file.createdBy,
		created_at: file.createdAt,
		preview_url: null,
		source_url: signedFileUrl(state, file.id),
		original_url: null,
		reference: null,
		user_id: null,
		tenant_id: TENANT_ID,
		conversation_id: null,
		file_key: null,
	};
}

async function upload(ctx: Ctx): Promise<void> {
	const state = ctx.state;
	const received = await receiveSingleFile(ctx, (info) => sizeLimit(state, extensionOf(info.filename ?? '')));
	const { file } = received;
	try {
		if (!received.fileNames.has('file') || !file) throw new HttpError(400, 'no_file_uploaded', 'Please upload your file.');
		if (received.fileNames.size > 1) throw new HttpError(400, 'too_many_files', 'Only one file is allowed.');
		if (!file.info.contentType) throw new HttpError(415, 'unsupported_file_type', 'File type not allowed.');
		if (!file.info.filename) throw new HttpError(400, 'filename_not_exists_error', 'The specified filename does not exist.');
		if (/[/\\]/.test(file.info.filename)) throw invalidParam('Filename contains invalid characters');
		if (file.sink.exceeded) throw new HttpError(413, 'file_too_large', 'File size exceeded. {message}');
	} catch (err) {
		discardUpload(file);
		throw err;
	}
	const user = endUserFor(state, ctx.app!, optionalUserArg(received.fields.user));
	const name = truncateName(file.info.filename);
	const record: UploadedFile = {
		id: randomUUID(),
		appId: ctx.app!.id,
		createdBy: user.id,
		name,
		size: file.sink.size,
		extension: extensionOf(name),
		mimeType: file.info.contentType.split(';')[0].trim(),
		sha256: ctx.record.multipart!.files.find((f) => f.name === 'file')!.sha256,
		path: file.sink.path,
		createdAt: nowSeconds(),
	};
	state.files.set(record.id, record);
	await ctx.out.json(201, uploadResponse(state, record));
}

async function sendFileBytes(ctx: Ctx, file: UploadedFile, asAttachment: boolean): Promise<void> {
	const isHtml = /^text\/html/i.test(file.mimeType);
	const attach = asAttachment || isHtml;
	const headers: Record<string, string | number> = {
		'Content-Type': attach ? 'application/octet-stream' : file.mimeType,
		'Content-Length': file.size,
		'Cache-Control': 'public, max-age=3600',
	};
	if (attach) headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`;
	if (/^(audio|video)\//.test(file.mimeType)) headers['Accept-Ranges'] = 'bytes';
	ctx.out.head(200, headers);
	for await (const chunk of createReadStream(file.path)) {
		if (!ctx.out.alive) return;
		await ctx.out.write(chunk as Buffer);
	}
	await ctx.out.end();
}

async function preview(ctx: Ctx): Promise<void> {
	const state = ctx.state;
	const file = state.files.get(ctx.params.file_id);
	const attached =
		file &&
		[...state.messages.values()].some((m) => m.appId === ctx.app!.id && m.files.some((f) => f.uploadFileId === file.id));
	if (file && file.appId !== ctx.app!.id) {
		throw new HttpError(403, 'file_access_denied', 'Access to the requested file is denied.');
	}
	if (!file || !attached) throw new HttpError(404, 'file_not_found', 'The requested file was not found.');
	await sendFileBytes(ctx, file, queryBool(ctx, 'as_attachment'));
}

/** Target of the signed URLs: no API key, the signature is the credential. */
export async function serveSignedFile(ctx: Ctx, fileId: string): Promise<void> {
	const file = ctx.state.files.get(fileId);
	if (!file || !verifySignature(ctx.state, fileId, ctx.query)) {
		throw new HttpError(403, 'forbidden', 'Invalid request.');
	}
	// Knowledge document downloads ask for an attachment, as Dify's signed download URLs do.
	await sendFileBytes(ctx, file, queryBool(ctx, 'as_attachment'));
}

export interface ResolvedFile {
	type: string;
	transferMethod: 'local_file' | 'remote_url';
	upload: UploadedFile | null;
	remoteUrl: string | null;
	filename: string;
	extension: string;
	mimeType: string;
	size: number;
}

/**
 * Turns one file mapping (docs/dify-behaviour.md, 'Files') into a file, with Dify's messages. `allowedTypes` comes from the
 * variable or feature; a file of another user is "Invalid upload file" like in Dify.
 */
export function resolveFileMapping(
	state: ServerState,
	app: AppRuntime,
	user: EndUser,
	mapping: unknown,
	allowedTypes: string[] | null,
): ResolvedFile {
	if (!mapping || typeof mapping !== 'object' || Array.isArray(mapping)) throw invalidParam('Invalid file mapping');
	const m = mapping as Record<string, unknown>;
	const method = m.transfer_method;
	if (method === undefined || method === null) throw invalidParam('transfer_method is required in file mapping');
	let resolved: ResolvedFile;
	if (method === 'local_file' || (method === 'remote_url' && m.upload_file_id)) {
		const id = m.upload_file_id;
		if (typeof id !== 'string' || id === '') throw invalidParam('Invalid upload file id');
		if (!isUuid(id)) throw invalidParam('Invalid upload file id format');
		const upload = state.files.get(id);
		if (!upload || upload.appId !== app.id || upload.createdBy !== user.id) throw invalidParam('Invalid upload file');
		resolved = {
			type: '',
			transferMethod: 'local_file',
			upload,
			remoteUrl: null,
			filename: upload.name,
			extension: upload.extension,
			mimeType: upload.mimeType,
			size: upload.size,
		};
	} else if (method === 'remote_url') {
		const url = m.url ?? m.remote_url;
		if (typeof url !== 'string' || url === '') throw invalidParam('Invalid file url');
		const name = decodeURIComponent(url.split('?')[0].split('/').pop() || 'file');
		resolved = {
			type: '',
			transferMethod: 'remote_url',
			upload: null,
			remoteUrl: url,
			filename: name,
			extension: extensionOf(name),
			mimeType: 'application/octet-stream',
			size: -1,
		};
	} else {
		throw invalidParam(`Invalid transfer method: ${String(method)}`);
	}
	const detected = fileTypeOf(resolved.extension);
	resolved.type = typeof m.type === 'string' ? m.type : detected;
	const typeMatches = resolved.type === 'custom' || resolved.type === detected;
	if (!typeMatches || (allowedTypes && !allowedTypes.includes(resolved.type))) {
		throw invalidParam(`File validation failed for file: ${resolved.filename}`);
	}
	return resolved;
}

/** Graph `File.to_dict()` as it appears in workflow outputs and `workflow_finished.data.files`. */
export function outputFileObject(state: ServerState, f: ResolvedFile): Record<string, unknown> {
	return {
		dify_model_identity: '__dify__file__',
		id: null,
		type: f.type,
		transfer_method: f.transferMethod,
		remote_url: f.remoteUrl,
		related_id: f.upload?.id ?? null,
		reference: null,
		filename: f.filename,
		extension: f.extension ? `.${f.extension}` : null,
		mime_type: f.mimeType,
		size: f.size,
		url: f.upload ? signedFileUrl(state, f.upload.id) : f.remoteUrl,
	};
}

export function registerFileRoutes(router: Router): void {
	router.add('POST', '/files/upload', 'app', upload);
	router.add('GET', '/files/{file_id:uuid}/preview', 'app', preview);
}
