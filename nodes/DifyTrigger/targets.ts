import { knowledgeAdvice } from '../DifyKnowledge/errors';
import { appAdvice } from '../shared/appErrors';
import type { DifyTarget } from '../shared/transport/request';

export const TRIGGER_NAME = 'Dify Trigger';

/** An app event's calls: the app key, errors read as the app nodes read them, naming this node. */
export function appTarget(modes: string[]): DifyTarget {
	return { credential: 'difyApi', advise: appAdvice({ nodeDisplayName: TRIGGER_NAME, modes }) };
}

/** The Knowledge event's calls: the Knowledge key, errors read as the Knowledge node reads them. */
export const KNOWLEDGE_TARGET: DifyTarget = { credential: 'difyKnowledgeApi', advise: knowledgeAdvice };
