'use strict';
/*
 * What `npm start` prints once n8n runs: where everything is, and which page needs the internet.
 */

/** The one page of `npm start` that needs the internet, and why (checked by test/unit/startBanner.test.ts). */
const NEEDS_INTERNET = {
  page: 'public chat page',
  host: 'cdn.jsdelivr.net',
};

/**
 * How to call the published "Dify calls n8n" examples the way Dify does, from a shell.
 * @param {{cli: string, key: string, retrievalEndpoint?: string, extensionUrl?: string}} o
 */
function difyCallsLines(o) {
  const lines = [];
  if (o.retrievalEndpoint) {
    lines.push(`  Dify calls n8n:  node ${o.cli} dify-calls retrieve --endpoint ${o.retrievalEndpoint} --key ${o.key} --knowledge-id tea-guide --query "green tea"`);
  }
  if (o.extensionUrl) {
    lines.push(`                   node ${o.cli} dify-calls moderate-input --endpoint ${o.extensionUrl} --key ${o.key} --query "my password"`);
  }
  if (lines.length) lines.push('                   (sends exactly what Dify sends and prints what Dify would make of the answer; see README "Dify calls n8n")');
  return lines;
}

/**
 * @param {{url: string, firstRun: boolean, nodes: string[], sandboxUrl: string, chatPath?: string, userFolder: string,
 *   difyCalls?: {cli: string, key: string, retrievalEndpoint?: string, extensionUrl?: string},
 *   queue?: Array<{name: string, where: string}>, keys?: Array<{name: string, key: string}>}} o
 *   `queue`: the processes of queue mode and where each runs; `keys`: the sandbox's credentials and keys
 * @returns {string}
 */
function startBanner(o) {
  const lines = [
    '',
    `  n8n is running:  ${o.url}/home/workflows`,
    o.firstRun
      ? '  First visit: n8n asks you to create the owner account (any email and password; it stays on this machine),\n' +
        `               then open ${o.url}/home/workflows for the examples.`
      : '',
    `  Dify nodes:      ${o.nodes.join(', ')}`,
    `  Dify sandbox:    ${o.sandboxUrl}  (imitates Dify's API with deterministic apps; chat apps answer "Echo: <your message>")`,
    ...(o.queue
      ? ['', '  Queue mode (EXECUTIONS_MODE=queue; every execution, editor runs included, runs on a worker):', ...o.queue.map((p) => `    ${p.name.padEnd(13)} ${p.where}`), '']
      : []),
    '  Examples:        Overview > Workflows (they use the "Dify sandbox" credentials)',
    o.chatPath ? `  Chat example:    ${o.url}/webhook/${o.chatPath}  (${NEEDS_INTERNET.page}; remembers the conversation)` : '',
    ...(o.difyCalls ? difyCallsLines(o.difyCalls) : []),
    '',
    `  Offline:         the editor, the sandbox and every example work without internet, except the ${NEEDS_INTERNET.page},`,
    `                   which loads n8n's chat widget from ${NEEDS_INTERNET.host} (blank offline). Use the "Open chat" button`,
    '                   of the chat example in the editor instead (test runs: each message starts a new Dify conversation).',
    '',
    ...sandboxKeys(o),
    '  To use your own Dify: Credentials > Create credential > "Dify API", Base URL https://api.dify.ai/v1',
    "  (or http(s)://<your-dify-host>/v1 when self-hosted), API Key = the app's key (Dify: app > API Access > API Key);",
    '  then pick that credential in a Dify node instead of "Dify sandbox".',
    '',
    o.queue
      ? `  n8n data: ${o.userFolder} (Postgres starts empty on every run).  Ctrl-C stops every process above and the sandbox.`
      : `  n8n data: ${o.userFolder} (npm start -- --fresh starts over).  Ctrl-C stops n8n and the sandbox.`,
    '',
  ].filter((l, i, all) => l !== '' || all[i - 1] !== '');
  return lines.join('\n');
}

/** The sandbox's keys, to practise creating a credential by hand (they change on every start). */
function sandboxKeys(o) {
  if (!o.keys?.length) return [];
  const width = Math.max(...o.keys.map((k) => k.name.length));
  return [
    `  Sandbox keys (new on every start; Base URL ${o.sandboxUrl}/v1, the model's ${o.sandboxUrl}/openai/v1):`,
    ...o.keys.map((k) => `    ${k.name.padEnd(width)}  ${k.key}`),
    '',
  ];
}

module.exports = { startBanner, NEEDS_INTERNET };
