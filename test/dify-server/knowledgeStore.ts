import { randomUUID } from 'node:crypto';
import { SANDBOX_DATASET_ID } from './generation';

/** A knowledge base as Dify stores it; the wire shape is built in knowledgeShapes.ts. */
export interface KbDataset {
	id: string;
	name: string;
	description: string;
	indexingTechnique: string | null;
	permission: string;
	provider: string;
	embeddingModel: string | null;
	embeddingModelProvider: string | null;
	retrievalModel: Record<string, unknown> | null;
	summaryIndexSetting: Record<string, unknown> | null;
	/** `chunk_structure`: the doc_form of the first document, then fixed. */
	docForm: string | null;
	/** The latest process rule: documents without one reuse it (docs/dify-behaviour.md, 'Process rules'). */
	processRule: Record<string, unknown> | null;
	partialMembers: string[];
	enableApi: boolean;
	builtInFieldEnabled: boolean;
	createdAt: number;
	updatedAt: number;
	seq: number;
}

export interface KbDocument {
	id: string;
	datasetId: string;
	position: number;
	name: string;
	/** 'upload_file' for documents by text or file; a pipeline's datasource type for the documents of a pipeline run. */
	dataSourceType: string;
	/** Set for file documents: the stored upload (state.files), served by the signed download URL. */
	fileId: string | null;
	docForm: string;
	docLanguage: string;
	processRule: Record<string, unknown>;
	batch: string;
	/** Indexing advances one step per indexing-status poll, so tests never wait on a clock. */
	polls: number;
	indexingStatus: string;
	error: string | null;
	enabled: boolean;
	archived: boolean;
	/** metadata field id → value. */
	metadata: Map<string, unknown>;
	wordCount: number;
	createdAt: number;
	updatedAt: number;
	completedAt: number | null;
	seq: number;
}

export interface KbChildChunk {
	id: string;
	segmentId: string;
	content: string;
	position: number;
	type: 'automatic' | 'customized';
	createdAt: number;
	updatedAt: number;
}

export interface KbSegment {
	id: string;
	datasetId: string;
	documentId: string;
	position: number;
	content: string;
	answer: string;
	keywords: string[];
	enabled: boolean;
	hitCount: number;
	createdAt: number;
	updatedAt: number;
	childChunks: KbChildChunk[];
	summary: string | null;
}

export interface KbMetadataField {
	id: string;
	datasetId: string;
	name: string;
	type: 'string' | 'number' | 'time';
}

export interface KbTag {
	id: string;
	name: string;
	/** Dataset ids, in binding order. */
	targets: Set<string>;
	seq: number;
}

const SEED_AT = 1767225600; // 2026-01-01, fixed so listings are stable

/** Everything the Knowledge API keeps, per server; rebuilt from the seed by reset(). */
export class KnowledgeStore {
	datasets = new Map<string, KbDataset>();
	documents = new Map<string, KbDocument>();
	segments = new Map<string, KbSegment>();
	metadata = new Map<string, KbMetadataField>();
	tags = new Map<string, KbTag>();
	/** Polls of indexing-status a document needs before it is `completed`. */
	pollsToComplete = 2;
	private counter = 0;

	constructor() {
		seed(this);
	}

	nextSeq(): number {
		this.counter += 1;
		return this.counter;
	}

	documentsOf(datasetId: string): KbDocument[] {
		return [...this.documents.values()].filter((d) => d.datasetId === datasetId);
	}

	segmentsOf(documentId: string): KbSegment[] {
		return [...this.segments.values()].filter((s) => s.documentId === documentId).sort((a, b) => a.position - b.position);
	}

	tagsOf(datasetId: string): KbTag[] {
		return [...this.tags.values()].filter((t) => t.targets.has(datasetId)).sort((a, b) => a.seq - b.seq);
	}

	fieldsOf(datasetId: string): KbMetadataField[] {
		return [...this.metadata.values()].filter((m) => m.datasetId === datasetId);
	}
}

export function newDataset(store: KnowledgeStore, fields: Partial<KbDataset> & { name: string }, at: number): KbDataset {
	const dataset: KbDataset = {
		id: randomUUID(),
		description: '',
		indexingTechnique: null,
		permission: 'only_me',
		provider: 'vendor',
		embeddingModel: null,
		embeddingModelProvider: null,
		retrievalModel: null,
		summaryIndexSetting: null,
		docForm: null,
		processRule: null,
		partialMembers: [],
		enableApi: true,
		builtInFieldEnabled: false,
		createdAt: at,
		updatedAt: at,
		seq: store.nextSeq(),
		...fields,
	};
	store.datasets.set(dataset.id, dataset);
	return dataset;
}

/** Splits a document's text into chunks the way its process rule asks (simplified: separator and max length). */
export function splitText(text: string, rule: Record<string, unknown>): { content: string; children: string[] }[] {
	const mode = rule.mode;
	const rules = (rule.rules ?? {}) as Record<string, any>;
	const unescape = (s: string) => s.replace(/\\n/g, '\n');
	const separator = mode === 'automatic' ? '\n' : unescape(String(rules.segmentation?.separator ?? '\n'));
	const maxChars = 4 * Number(mode === 'automatic' ? 500 : (rules.segmentation?.max_tokens ?? 500));
	const pieces = (mode === 'hierarchical' && rules.parent_mode === 'full-doc' ? [text] : text.split(separator))
		.map((s) => s.trim())
		.filter(Boolean)
		.flatMap((s) => (s.length <= maxChars ? [s] : s.match(new RegExp(`[\\s\\S]{1,${maxChars}}`, 'g')) ?? []));
	if (mode !== 'hierarchical') return pieces.map((content) => ({ content, children: [] }));
	const childSeparator = unescape(String(rules.subchunk_segmentation?.separator ?? '\n'));
	return pieces.map((content) => ({
		content,
		children: content.split(childSeparator).map((s) => s.trim()).filter(Boolean),
	}));
}

export const AUTOMATIC_RULE = { mode: 'automatic', rules: {} };

export interface NewDocument {
	name: string;
	text: string;
	docForm: string;
	docLanguage: string;
	processRule: Record<string, unknown>;
	fileId: string | null;
	batch?: string;
}

/** Adds a document and its chunks; the chunks become searchable once indexing completes. */
export function addDocument(store: KnowledgeStore, dataset: KbDataset, doc: NewDocument, at: number): KbDocument {
	const position = store.documentsOf(dataset.id).reduce((max, d) => Math.max(max, d.position), 0) + 1;
	const failing = doc.text.includes('#dify-double:index-error');
	const document: KbDocument = {
		id: randomUUID(),
		datasetId: dataset.id,
		position,
		name: doc.name,
		dataSourceType: 'upload_file',
		fileId: doc.fileId,
		docForm: doc.docForm,
		docLanguage: doc.docLanguage,
		processRule: doc.processRule,
		batch: doc.batch ?? `${at}${String(store.nextSeq()).padStart(6, '0')}`,
		polls: 0,
		indexingStatus: 'waiting',
		error: failing ? 'The embedding model returned an error for chunk 1.' : null,
		enabled: true,
		archived: false,
		metadata: new Map(),
		wordCount: doc.text.split(/\s+/).filter(Boolean).length,
		createdAt: at,
		updatedAt: at,
		completedAt: null,
		seq: store.nextSeq(),
	};
	store.documents.set(document.id, document);
	replaceChunks(store, document, doc.text, at);
	return document;
}

export function replaceChunks(store: KnowledgeStore, document: KbDocument, text: string, at: number): void {
	for (const segment of store.segmentsOf(document.id)) store.segments.delete(segment.id);
	splitText(text, document.processRule).forEach((piece, k) => {
		const id = randomUUID();
		store.segments.set(id, {
			id,
			datasetId: document.datasetId,
			documentId: document.id,
			position: k + 1,
			content: piece.content,
			answer: '',
			keywords: piece.content.toLowerCase().split(/\W+/).filter((w) => w.length > 3).slice(0, 5),
			enabled: true,
			hitCount: 0,
			createdAt: at,
			updatedAt: at,
			summary: null,
			childChunks: piece.children.map((content, c) => ({ id: randomUUID(), segmentId: id, content, position: c + 1, type: 'automatic', createdAt: at, updatedAt: at })),
		});
	});
	document.wordCount = text.split(/\s+/).filter(Boolean).length;
}

/** One indexing step, taken when a client polls the batch. */
export function advanceIndexing(store: KnowledgeStore, document: KbDocument, at: number): void {
	if (document.indexingStatus === 'completed' || document.indexingStatus === 'error') return;
	document.polls += 1;
	if (document.polls >= store.pollsToComplete) {
		document.indexingStatus = document.error ? 'error' : 'completed';
		document.completedAt = at;
	} else {
		document.indexingStatus = 'indexing';
	}
}

/** Display status (docs/dify-behaviour.md, 'Indexing states'), derived like Dify does. */
export function displayStatus(document: KbDocument): string {
	if (document.archived) return 'archived';
	if (document.indexingStatus === 'waiting') return 'queuing';
	if (document.indexingStatus === 'error') return 'error';
	if (document.indexingStatus === 'paused') return 'paused';
	if (document.indexingStatus !== 'completed') return 'indexing';
	return document.enabled ? 'available' : 'disabled';
}

const HANDBOOK = [
	'Sandbox handbook: the office opens at 9 am and closes at 6 pm.',
	'Refunds are processed within 14 days of the request.',
	'Support answers tickets in English and German.',
].join('\n');

/** The fixed workspace: three knowledge bases; the sandbox one holds an indexed handbook, so retrieval works at once. */
function seed(store: KnowledgeStore): void {
	const base = { indexingTechnique: 'high_quality', embeddingModel: 'text-embedding-3-small', embeddingModelProvider: 'langgenius/openai/openai', docForm: 'text_model' };
	const sandbox = newDataset(store, { ...base, id: SANDBOX_DATASET_ID, name: 'Sandbox Knowledge', description: 'Handbook used for citations', processRule: AUTOMATIC_RULE }, SEED_AT);
	newDataset(store, { ...base, id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', name: 'Product FAQ', description: 'Frequently asked questions' }, SEED_AT);
	newDataset(store, { ...base, id: '1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f', name: 'Release Notes' }, SEED_AT);
	const handbook = addDocument(store, sandbox, { name: 'sandbox-handbook.md', text: HANDBOOK, docForm: 'text_model', docLanguage: 'English', processRule: AUTOMATIC_RULE, fileId: null }, SEED_AT);
	handbook.indexingStatus = 'completed';
	handbook.completedAt = SEED_AT;
}
