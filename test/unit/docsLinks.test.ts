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

describe("the README's pictures of the node forms", () => {
	const images = [...readme.matchAll(/<img src="(docs\/images\/form-[a-z-]+\.png)"/g)].map((m) => m[1]);

	it('show each node once, in its own section', () => {
		expect(images.map((i) => i.replace(/^docs\/images\/form-|\.png$/g, '')).sort()).toEqual(
			['dify-chatbot', 'dify-chatflow', 'dify-completion', 'dify-knowledge', 'dify-trigger', 'dify-workflow'],
		);
	});

	it.each(images.map((i) => [i]))('%s exists and stays small (a PNG under 60 KB)', (image) => {
		const bytes = readFileSync(resolve(ROOT, image));
		expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(bytes.length).toBeLessThan(60 * 1024);
	});
});
