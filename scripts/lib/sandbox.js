'use strict';
/*
 * What `npm start` and the e2e suite put into n8n besides the package: one "Dify sandbox" credential
 * per sandbox app (Dify keys belong to one app each) and the example workflows from examples/.
 */
const fs = require('fs');
const path = require('path');

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/**
 * Fixed ids: the examples refer to these credentials by id. n8n preselects the most recently saved
 * credential of a type in a new node, so the Chatbot app's comes last: the first node most people
 * add is Dify Chatbot.
 */
const SANDBOX_CREDENTIALS = [
  { id: 'difySandboxAgent1', name: 'Dify sandbox (Agent app)', type: 'difyApi', key: 'agentChat' },
  { id: 'difySandboxNAgent', name: 'Dify sandbox (New Agent app)', type: 'difyApi', key: 'agent' },
  { id: 'difySandboxFlow01', name: 'Dify sandbox (Chatflow app)', type: 'difyApi', key: 'advancedChat' },
  { id: 'difySandboxText01', name: 'Dify sandbox (Completion app)', type: 'difyApi', key: 'completion' },
  { id: 'difySandboxWork01', name: 'Dify sandbox (Workflow app)', type: 'difyApi', key: 'workflow' },
  { id: 'difySandboxChatN8', name: 'Dify sandbox (Chatbot with knowledge from n8n)', type: 'difyApi', key: 'chatN8nKnowledge' },
  { id: 'difySandboxChat01', name: 'Dify sandbox (Chatbot app)', type: 'difyApi', key: 'chat' },
  { id: 'difySandboxKnow01', name: 'Dify sandbox (Knowledge)', type: 'difyKnowledgeApi', key: 'knowledge' },
];

/**
 * Keys of endpoints Dify calls in n8n (External Knowledge API, API-based Extension). They are not the
 * sandbox's: the user makes them up and enters the same value in Dify, so the examples use a fixed one.
 */
const SANDBOX_ENDPOINT_KEY = 'dify-sandbox-endpoint-key';
const SANDBOX_ENDPOINT_CREDENTIALS = [
  { id: 'difySandboxEKnow1', name: 'Dify sandbox (External Knowledge endpoint)', type: 'difyExternalKnowledgeEndpointApi' },
  { id: 'difySandboxExtn01', name: 'Dify sandbox (API Extension endpoint)', type: 'difyApiExtensionEndpointApi' },
];

/**
 * n8n's OpenAI credential for the sandbox's scripted chat model (an OpenAI-compatible route next to
 * the Dify API, for trying the AI Agent example offline; any key works).
 */
const SANDBOX_MODEL_CREDENTIAL = { id: 'difySandboxModel1', name: 'Sandbox scripted model (OpenAI-compatible)', type: 'openAiApi' };

/** The URL of the sandbox workflow's JSON Webhook Trigger, kept as a secret like a key. */
const SANDBOX_WEBHOOK_CREDENTIAL = { id: 'difySandboxHook01', name: 'Dify sandbox (Workflow webhook trigger)', type: 'difyWebhookTriggerApi' };

/** @param {{apiBase: string, keys: Record<string, string>, webhookUrls?: Record<string, string>}} sandbox */
function sandboxCredentials(sandbox) {
  const dify = SANDBOX_CREDENTIALS.filter((c) => sandbox.keys[c.key]).map((c) => ({
    id: c.id,
    name: c.name,
    type: c.type,
    data: { baseUrl: sandbox.apiBase, apiKey: sandbox.keys[c.key] },
  }));
  const endpoints = SANDBOX_ENDPOINT_CREDENTIALS.map((c) => ({ ...c, data: { apiKey: SANDBOX_ENDPOINT_KEY } }));
  const model = { ...SANDBOX_MODEL_CREDENTIAL, data: { apiKey: 'sk-sandbox', url: sandbox.apiBase.replace(/\/v1$/, '/openai/v1') } };
  const webhook = sandbox.webhookUrls?.json ? [{ ...SANDBOX_WEBHOOK_CREDENTIAL, data: { secretWebhookUrl: sandbox.webhookUrls.json } }] : [];
  // Dify credentials last: n8n preselects the most recently saved credential of a type.
  return [...endpoints, model, ...webhook, ...dify];
}

/**
 * Where the sandbox's "knowledge from n8n" chat app retrieves from: the External Knowledge trigger of
 * the "Dify retrieves from n8n" example, published on the given n8n.
 */
function n8nKnowledgeArgs(n8nUrl) {
  const example = readExamples().find((e) => e.file === 'dify-retrieves-from-n8n.json');
  const trigger = example?.workflow.nodes.find((n) => n.type === 'n8n-nodes-dify-suite.difyExternalKnowledgeTrigger');
  if (!trigger) return [];
  const ids = String(trigger.parameters.knowledgeIds || '').split(',')[0].trim();
  return ['--n8n-knowledge', `${n8nUrl}/webhook/${trigger.webhookId}`, '--n8n-knowledge-key', SANDBOX_ENDPOINT_KEY, '--n8n-knowledge-id', ids];
}

/** Triggers Dify calls: their examples answer only once published (production URL). */
const DIFY_CALLS_TRIGGERS = ['n8n-nodes-dify-suite.difyExternalKnowledgeTrigger', 'n8n-nodes-dify-suite.difyExtensionTrigger'];

/** The sandbox address written in examples/ (its default port; the file example downloads from it). */
const SANDBOX_DEFAULT_URL = 'http://127.0.0.1:8787';

/**
 * Every examples/*.json, with what a runner needs to know about it. With `sandboxUrl`, addresses of
 * the sandbox are rewritten to where it actually listens.
 */
function readExamples(sandboxUrl) {
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
      const text = sandboxUrl ? raw.split(SANDBOX_DEFAULT_URL).join(sandboxUrl) : raw;
      const workflow = JSON.parse(text);
      const chat = workflow.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
      return {
        file,
        text,
        workflow,
        // A public chat only answers once the workflow is published.
        publish: Boolean(chat) || workflow.nodes.some((n) => DIFY_CALLS_TRIGGERS.includes(n.type)),
        chatPath: chat ? `${chat.webhookId}/chat` : undefined,
        nodeTypes: [...new Set(workflow.nodes.map((n) => n.type))],
      };
    });
}

module.exports = { SANDBOX_CREDENTIALS, SANDBOX_WEBHOOK_CREDENTIAL, SANDBOX_ENDPOINT_KEY, SANDBOX_MODEL_CREDENTIAL, n8nKnowledgeArgs, SANDBOX_DEFAULT_URL, sandboxCredentials, readExamples, EXAMPLES };
