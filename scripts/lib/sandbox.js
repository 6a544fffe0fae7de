'use strict';
/*
 * What `npm start` and the e2e suite put into n8n besides the package: one "Dify sandbox" credential
 * per sandbox app (Dify keys belong to one app each) and the example workflows from examples/.
 */
const fs = require('fs');
const path = require('path');

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/** Fixed ids: the examples refer to these credentials by id. */
const SANDBOX_CREDENTIALS = [
  { id: 'difySandboxChat01', name: 'Dify sandbox (Chatbot app)', type: 'difyApi', key: 'chat' },
  { id: 'difySandboxAgent1', name: 'Dify sandbox (Agent app)', type: 'difyApi', key: 'agentChat' },
  { id: 'difySandboxNAgent', name: 'Dify sandbox (New Agent app)', type: 'difyApi', key: 'agent' },
  { id: 'difySandboxFlow01', name: 'Dify sandbox (Chatflow app)', type: 'difyApi', key: 'advancedChat' },
  { id: 'difySandboxText01', name: 'Dify sandbox (Completion app)', type: 'difyApi', key: 'completion' },
  { id: 'difySandboxWork01', name: 'Dify sandbox (Workflow app)', type: 'difyApi', key: 'workflow' },
  { id: 'difySandboxKnow01', name: 'Dify sandbox (Knowledge)', type: 'difyKnowledgeApi', key: 'knowledge' },
];

/** @param {{apiBase: string, keys: Record<string, string>}} sandbox */
function sandboxCredentials(sandbox) {
  return SANDBOX_CREDENTIALS.filter((c) => sandbox.keys[c.key]).map((c) => ({
    id: c.id,
    name: c.name,
    type: c.type,
    data: { baseUrl: sandbox.apiBase, apiKey: sandbox.keys[c.key] },
  }));
}

/** Every examples/*.json, with what a runner needs to know about it. */
function readExamples() {
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
      const workflow = JSON.parse(text);
      const chat = workflow.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
      return {
        file,
        text,
        workflow,
        // A public chat only answers once the workflow is published.
        publish: Boolean(chat),
        chatPath: chat ? `${chat.webhookId}/chat` : undefined,
        nodeTypes: [...new Set(workflow.nodes.map((n) => n.type))],
      };
    });
}

module.exports = { SANDBOX_CREDENTIALS, sandboxCredentials, readExamples, EXAMPLES };
