import type { Advise } from '../shared/transport/errors';

/**
 * What to do about a Knowledge API error (docs/dify-behaviour.md, 'Authentication and keys', 'Error codes', 'Knowledge API'). Dify's own messages
 * name the symptom ("Dataset not found.", a 403 for a plan limit, an empty 400 for a bad file), so
 * each hint names the cause and the fix in the node's terms.
 */
export interface KnowledgeFailure {
	code?: string;
	message: string;
	httpStatus?: number;
	path: string;
	/** The credential's key, only to tell an app key from a Knowledge key; never shown. */
	secret?: string;
}

const DOCUMENT_EXTENSIONS = 'txt, md, mdx, markdown, pdf, html, htm, xlsx, xls, docx, csv, vtt, properties';
const WAIT_FOR_INDEXING = 'wait until indexing completes (Document → Get Indexing Status with "Wait for Completion", or "Wait for Indexing" on the create operations)';

function keyHint(secret: string | undefined): string {
	const where = 'In Dify open Knowledge, then Service API (top right) → API Key, create a key ("dataset-…") and put it in a "Dify Knowledge API" credential.';
	if (secret?.startsWith('app-')) {
		return `The credential holds an app API key ("app-…"), which only works with the Dify app nodes (Chatbot, Chatflow, Completion, Workflow). The Dify Knowledge node needs the Knowledge API key. ${where}`;
	}
	return `Dify rejected the Knowledge API key. ${where} An app key ("app-…") does not work here, and a key deleted in Dify stays refused.`;
}

function planHint(message: string): string | undefined {
	if (/rate limit/i.test(message)) {
		return 'Dify answers its per-plan request rate limit for knowledge bases with 403, not 429: wait a minute and process fewer items at once, or upgrade the plan in Dify (Settings → Billing).';
	}
	if (/subscription|upgrade|paid plan|limit of your/i.test(message)) {
		return 'Your Dify plan\'s limit is reached (Dify answers plan limits with 403). Waiting does not help: delete documents or knowledge bases you no longer need, or upgrade the plan in Dify (Settings → Billing).';
	}
	return undefined;
}

function knowledgeHint(f: KnowledgeFailure): string | undefined {
	const { code, message } = f;
	if (f.httpStatus === 401 || code === 'unauthorized') return keyHint(f.secret);
	if (f.httpStatus === 403 && /api access is not enabled/i.test(message)) {
		return 'The Service API is turned off for this knowledge base: in Dify open the knowledge base, then API Access (Service API), and enable it.';
	}
	if (f.httpStatus === 403) {
		const plan = planHint(message);
		if (plan) return plan;
	}
	if (/^Dataset not found/i.test(message)) {
		return 'No knowledge base with this ID is visible to the Knowledge key: pick it From List, or copy the ID from the knowledge base\'s URL in Dify. A Knowledge key sees only the knowledge bases of its own workspace.';
	}
	if (/^Document (not found|Not Exists)/i.test(message) || /^Documents not found/i.test(message)) {
		return /indexing-status/.test(f.path)
			? 'No document of this knowledge base has this batch ID: use the `batch` a create or update operation returned, with the same knowledge base.'
			: 'No document with this ID in this knowledge base: choose the knowledge base first, then pick the document From List, or check both IDs.';
	}
	if (/^Document file not found/i.test(message)) return 'Only documents created from a file can be downloaded; this one was created from text.';
	if (/^Document is not completed/i.test(message) || /is being indexed/i.test(message) || code === 'document_indexing' || /^Segment is indexing/i.test(message)) {
		return `The document is still being indexed, so Dify refuses this for now: ${WAIT_FOR_INDEXING}, then run this again.`;
	}
	if (/^Document is disabled/i.test(message)) return 'Enable the document first (Document → Update Status → Enable).';
	if (/^Document is not available/i.test(message)) {
		return `Only documents that finished indexing and are enabled and not archived can be updated: ${WAIT_FOR_INDEXING}, or enable / un-archive the document.`;
	}
	if (code === 'archived_document_immutable') return 'Archived documents cannot be changed: un-archive it first (Document → Update Status → Un-archive).';
	if (code === 'dataset_name_duplicate') return 'Knowledge base names are unique in a workspace: choose another Name, or find the existing one with Knowledge Base → Get Many and a Keyword.';
	if (code === 'dataset_not_initialized') return `The knowledge base has no indexed document yet: add a document and ${WAIT_FOR_INDEXING}.`;
	if (/^process_rule is required/i.test(message)) {
		return 'This knowledge base has no process rule yet, so the first file needs one: set Segmentation (Automatic is fine) in the operation\'s options.';
	}
	if (/^Process rule/i.test(message)) {
		return 'Check Segmentation: Custom and Hierarchical need a Separator (e.g. \\n\\n) and Max Chunk Length in tokens (at most 4000 by default, INDEXING_MAX_SEGMENTATION_TOKENS_LENGTH).';
	}
	if (/^indexing_technique is required/i.test(message)) {
		return 'This knowledge base has no indexing technique yet, so its first document must set one: choose Indexing Technique (High Quality or Economy) in the options.';
	}
	const fileRoute = /create[-_]by[-_]file|update[-_]by[-_]file|\/documents\/[^/]+$/.test(f.path);
	if ((code === 'invalid_param' && !message.trim() && fileRoute) || code === 'unsupported_file_type' || code === 'file_too_large') {
		return `Dify refused the file (it gives no reason on this route): usually its extension is not a document type Dify can index (${DOCUMENT_EXTENSIONS} by default) or it is larger than the upload limit (15 MB by default, UPLOAD_FILE_SIZE_LIMIT). Convert the file, or set File Name with the right extension if the binary's name is wrong.`;
	}
	if (code === 'provider_not_initialize') return 'The knowledge base\'s embedding model is not usable: check the model provider and its credentials in Dify (Settings → Model Provider).';
	if (/^Tag name already exists/i.test(message)) return 'Tag names are unique in a workspace: choose another Name, or find the existing tag with Tag → Get Many.';
	if (/^Tag not found/i.test(message)) return 'No knowledge tag with this ID: list the tags with Tag → Get Many.';
	if (/^Metadata name already exists/i.test(message)) return 'Metadata field names are unique per knowledge base and may not be a built-in name (document_name, uploader, upload_date, last_update_date, source).';
	if (/^Metadata not found/i.test(message)) return 'No metadata field with this ID in this knowledge base: list them with Metadata → Get Many.';
	if (/^Segment not found|^Child chunk not found/i.test(message)) return 'No chunk with this ID in this document: list them with Chunk → Get Many (or Child Chunk → Get Many).';
	return pipelineHint(f);
}

const PIPELINE_NODE = 'pick the datasource node From List, or copy its node_id from Knowledge Pipeline → Get Datasource Plugins (with Draft Pipeline on for a draft)';

/** Knowledge Pipeline errors (docs/dify-behaviour.md, 'Knowledge Pipeline runs'). */
function pipelineHint({ code, message, path }: KnowledgeFailure): string | undefined {
	if (/^Pipeline not found/i.test(message)) {
		return 'This knowledge base was not created from a knowledge pipeline, so it has no pipeline to run or list: use a pipeline knowledge base (Dify 1.9+), or add documents with Document → Create From Text / Create From File.';
	}
	if (/Datasource node data not found/i.test(message)) return `The pipeline has no datasource node with this ID: ${PIPELINE_NODE}.`;
	if (/Workflow not initialized|not published/i.test(message)) return 'The pipeline has no published version: publish it in Dify, or turn on Draft Pipeline to run the draft.';
	if (code === 'pipeline_run_error') {
		return `Dify could not start the pipeline run. Check Start Node (${PIPELINE_NODE}), that Datasource Type is the node's type, that the datasource items have the fields of that type, and the Inputs the pipeline asks for.`;
	}
	if (/\/pipeline\/datasource\/nodes\/.*\(stream/.test(path)) {
		return 'The datasource node ran and failed. Check the Inputs it needs (user_input_variables in Get Datasource Plugins), that Datasource Type is the node\'s type, and the datasource\'s credential in Dify (or set Credential ID).';
	}
	if (/\/pipeline\/run \(stream/.test(path)) {
		return 'The pipeline run failed inside Dify: open the knowledge base\'s pipeline in Dify to see which node failed, fix its inputs or settings, and run again.';
	}
	return undefined;
}

/** How the Knowledge node (and the trigger's Knowledge event) reads Dify's errors. */
export const knowledgeAdvice: Advise = ({ body, httpStatus, req, notDify }) => {
	if (notDify) return undefined;
	const message = body.message ?? '';
	const hint =
		knowledgeHint({ code: body.code, message, httpStatus, path: req.path, secret: req.secret }) ??
		(httpStatus === 404 && body.code === 'not_found' && /requested URL was not found/i.test(message)
			? 'Dify has no such route: an ID is probably not a valid UUID, or the Dify version is too old for this operation.'
			: httpStatus === 429 || body.code === 'too_many_requests'
				? 'Dify is limiting requests to the Knowledge API. Wait and retry, or process fewer items at once.'
				: undefined);
	if (!hint) return undefined;
	// A datasource node's failure arrives inside its stream, without a code: say what failed.
	const inStream = httpStatus === undefined && /\/pipeline\/datasource\/nodes\/.*\(stream/.test(req.path);
	return inStream ? { hint, headline: `Dify's datasource node failed: ${message.trim() || 'Dify gave no reason'}` } : { hint };
};
