/**
 * The editor's "Docs" link of each node: its own section of the README on the project's page (n8n
 * links a community node without one to its npm page, which does not exist before publishing).
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
import type { INodeType } from 'n8n-workflow';

import { DifyChatbot } from '../../nodes/DifyChatbot/DifyChatbot.node';
import { DifyChatflow } from '../../nodes/DifyChatflow/DifyChatflow.node';
import { DifyCompletion } from '../../nodes/DifyCompletion/DifyCompletion.node';
import { DifyWorkflow } from '../../nodes/DifyWorkflow/DifyWorkflow.node';
import { DifyKnowledge } from '../../nodes/DifyKnowledge/DifyKnowledge.node';
import { DifyTrigger } from '../../nodes/DifyTrigger/DifyTrigger.node';

const ROOT = resolve(__dirname, '../..');
const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const homepage = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { homepage: string }).homepage.replace(/#.*$/, '');

/** GitHub's anchor of a heading: lower case, punctuation but hyphens dropped, spaces to hyphens. */
const anchor = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s-]/gu, '')
		.replace(/\s/g, '-');

const headings = [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);

const nodes: INodeType[] = [new DifyChatbot(), new DifyChatflow(), new DifyCompletion(), new DifyWorkflow(), new DifyTrigger(), new DifyKnowledge()];

test.each(nodes.map((n) => [n.description.name, n]))('%s links to the README section that names it', (name, node) => {
	const url = (node as INodeType).description.documentationUrl;
	const heading = headings.find((h) => h.includes(`\`${name as string}\``));
	expect(heading).toBeDefined();
	expect(url).toBe(`${homepage}#${anchor(heading!)}`);
});
