#!/usr/bin/env node
'use strict';
/*
 * `npm start`: try the package in a real n8n, with no Dify account needed.
 *
 * Builds the package, packs it and installs the tarball into an n8n user folder the way n8n installs
 * community packages, starts the Dify sandbox (test/dify-server: a local imitation of Dify's API with
 * one deterministic app of each type), imports "Dify sandbox" credentials and the example workflows,
 * and runs n8n on http://127.0.0.1:5678. Ctrl-C stops n8n and the sandbox.
 *
 * Options: --fresh (new n8n user folder: owner account, credentials and workflows are lost),
 *          --no-build (use the existing dist/), --sandbox-port=<port> (default 8787),
 *          --queue (n8n's queue mode: Postgres and Redis from the system's packages, started in a
 *          temporary folder, one main instance and two workers, each with the package installed).
 * Environment: N8N_PORT (default 5678), N8N_START_USER_FOLDER (default .cache/start/n8n-user).
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const readline = require('readline');
const { spawn, spawnSync } = require('child_process');
const { ensureRuntime, RuntimeError } = require('./n8n-runtime');
const { N8nInstance, REPO, PACKAGE_NAME, freePort, portFree, packPackage, terminate, track } = require('./lib/n8n-instance');
const { sandboxCredentials, readExamples, SANDBOX_ENDPOINT_KEY, n8nKnowledgeArgs } = require('./lib/sandbox');
const { startBanner } = require('./lib/banner');
const { QueueCluster } = require('./lib/n8n-queue');
const { missingServices } = require('./lib/queue-services');

const args = new Set(process.argv.slice(2));
const argValue = (name) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : undefined;
};

const STATE = path.join(REPO, '.cache', 'start');
const USER_FOLDER = path.resolve(process.env.N8N_START_USER_FOLDER || path.join(STATE, 'n8n-user'));
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const SANDBOX_PORT = Number(argValue('sandbox-port') || 8787);

const say = (...a) => console.log('[start]', ...a);

/**
 * n8n settings of `npm start` that keep its output to what matters offline. The README's "Try it"
 * lists the start-up messages that remain and why they are harmless.
 */
const START_ENV = {
  // The MCP registry's hourly refresh needs api.n8n.io and prints a stack trace when offline.
  N8N_DISABLED_MODULES: 'mcp-registry',
  // The list of verified community nodes comes from n8n's API (a getaddrinfo error a minute offline);
  // this package is installed from its tarball and does not need it.
  N8N_VERIFIED_PACKAGES_ENABLED: 'false',
  // Set explicitly to today's defaults, which silences n8n's deprecation notices about them.
  N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
  N8N_RUNNERS_TASK_TIMEOUT: '300',
  N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(2 * 1024 ** 3),
  N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '5000',
};
const children = [];
let stopping = false;
let cluster = null;

function runStep(title, file, argv, opts = {}) {
  say(title);
  const r = spawnSync(file, argv, { cwd: REPO, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${title} failed (exit ${r.status})`);
}

/** The sandbox is TypeScript (it doubles as the test server); n8n's side needs it as plain JS. */
function compileSandbox() {
  const out = path.join(REPO, '.cache', 'sandbox');
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) throw new Error('TypeScript is missing: run "npm install" first.');
  fs.rmSync(out, { recursive: true, force: true });
  // Type errors are `npm run typecheck`'s business; here only the JavaScript is needed.
  runStep('compiling the Dify sandbox...', process.execPath, [
    tsc,
    '--noCheck',
    '--outDir', out,
    '--rootDir', REPO,
    '--module', 'commonjs',
    '--moduleResolution', 'node',
    '--target', 'es2022',
    '--esModuleInterop',
    '--skipLibCheck',
    '--types', 'node',
    path.join(REPO, 'test', 'dify-server', 'cli.ts'),
  ]);
  return path.join(out, 'test', 'dify-server', 'cli.js');
}

function startSandbox(cli, port) {
  return new Promise((resolve, reject) => {
    // Own process group: Ctrl-C reaches only this script, which then stops everything in order.
    // Its "knowledge from n8n" chat app retrieves from the published example on this n8n.
    const argv = [cli, '--port', String(port), '--host', '127.0.0.1', ...n8nKnowledgeArgs(`http://127.0.0.1:${N8N_PORT}`)];
    const child = track(spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'], detached: true }));
    children.push(child);
    const rl = readline.createInterface({ input: child.stdout });
    let ready = false;
    rl.on('line', (line) => {
      if (ready) return void console.log(`[sandbox] ${line}`);
      try {
        const info = JSON.parse(line);
        ready = true;
        resolve({ child, info });
      } catch {
        console.log(`[sandbox] ${line}`);
      }
    });
    child.once('exit', (code) => {
      if (!ready) reject(new Error(`the Dify sandbox exited before it was ready (code ${code})`));
      else if (!stopping) {
        say(`the Dify sandbox stopped unexpectedly (code ${code}); stopping.`);
        void shutdown(1);
      }
    });
  });
}

function sha(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * Examples are imported when new or changed, so edits made in the editor survive a restart; the
 * sandbox credentials are re-imported every time because the sandbox makes new keys on each start.
 */
async function importExamples(instance, sandboxUrl) {
  const stateFile = path.join(USER_FOLDER, 'imported-examples.json');
  let state = {};
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch {
    /* first run */
  }
  // The file example downloads the sandbox's sample document: point it at this sandbox's port.
  const examples = readExamples(sandboxUrl);
  const changed = examples.filter((e) => state[e.file] !== sha(e.text));
  if (changed.length) {
    say(`importing example workflows: ${changed.map((e) => e.workflow.name).join('; ')}`);
    await instance.importWorkflows(changed.map((e) => e.workflow));
    for (const e of changed) {
      // Trigger-started examples must be published to answer on their production URLs.
      if (e.publish) await instance.publish(e.workflow.id);
      state[e.file] = sha(e.text);
    }
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  } else {
    say('example workflows already imported');
  }
  return examples;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('stopping n8n and the Dify sandbox...');
  await Promise.all(children.map((c) => terminate(c)));
  if (instance) await instance.stop();
  if (cluster) await cluster.stop();
  process.exit(code);
}

let instance = null;

async function main() {
  if (args.has('--help') || args.has('-h')) {
    console.log('npm start [-- --fresh] [-- --no-build] [-- --sandbox-port=8787] [-- --queue]   (N8N_PORT=5678)\n' +
      'Builds and installs this package into a local n8n with the Dify sandbox and the examples; Ctrl-C stops it.\n' +
      '--queue: n8n in queue mode (Postgres, Redis, one main instance, two workers).');
    return;
  }
  if (args.has('--queue')) {
    const { missing, installCommand } = missingServices();
    if (missing.length) {
      console.error(`[start] Queue mode needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed. Install ${missing.length > 1 ? 'them' : 'it'} with:\n\n  ${installCommand}\n`);
      process.exitCode = 1;
      return;
    }
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  // Fail before minutes of work, not after.
  if (!(await portFree(N8N_PORT))) {
    throw new Error(`Port ${N8N_PORT} on 127.0.0.1 is in use (another n8n?). Stop it, or run with N8N_PORT=<port> npm start.`);
  }

  if (!args.has('--no-build')) runStep('building the package (npm run build)...', 'npm', ['run', 'build']);
  const runtime = await ensureRuntime(2);
  say(`n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion}`);

  const sandboxCli = compileSandbox();
  const port = (await portFree(SANDBOX_PORT)) ? SANDBOX_PORT : await freePort([N8N_PORT]);
  const { info: sandbox } = await startSandbox(sandboxCli, port);
  say(`Dify sandbox on ${sandbox.url}`);

  if (args.has('--queue')) return startQueue(runtime, sandbox);

  if (args.has('--fresh')) fs.rmSync(USER_FOLDER, { recursive: true, force: true });
  const firstRun = !fs.existsSync(path.join(USER_FOLDER, '.n8n', 'database.sqlite'));
  instance = new N8nInstance({
    runtime,
    userFolder: USER_FOLDER,
    port: N8N_PORT,
    brokerPort: await freePort([N8N_PORT, port]),
    env: START_ENV,
  });

  const { tgz } = packPackage(path.join(STATE, 'pack'));
  const installed = instance.installPackage(tgz);
  say(`installed ${PACKAGE_NAME}@${installed.version} as a community package in ${path.relative(REPO, path.dirname(path.dirname(installed.dir))) || installed.dir}`);

  const nodes = (await instance.exportNodes()).map((n) => n.name).filter((n) => n.startsWith(`${PACKAGE_NAME}.`));
  if (!nodes.length) throw new Error(`n8n did not load any node of ${PACKAGE_NAME}; see the n8n output above.`);
  say(`n8n loads: ${nodes.filter((n) => !n.endsWith('Tool')).join(', ')}`);

  const credentials = sandboxCredentials({ ...sandbox, webhookUrls: sandbox.webhooks });
  await instance.importCredentials(credentials);
  say(`sandbox credentials: ${credentials.map((c) => `"${c.name}"`).join(', ')}`);
  const examples = await importExamples(instance, sandbox.url);

  say(`starting n8n on ${instance.url} ...`);
  await instance.start({ inheritOutput: true, timeoutMs: 180000 });
  children.push(instance.server);
  instance.server.once('exit', (code) => {
    if (!stopping) {
      say(`n8n exited (code ${code}); stopping the sandbox.`);
      void shutdown(code || 1);
    }
  });

  const chat = examples.find((e) => e.chatPath);
  // The published "Dify calls n8n" examples, and the command that calls them as Dify does.
  const hookOf = (type) => {
    for (const e of examples) {
      const node = e.workflow.nodes.find((n) => n.type === `${PACKAGE_NAME}.${type}`);
      if (node) return `${instance.url}/webhook/${node.webhookId}`;
    }
    return undefined;
  };
  const retrievalEndpoint = hookOf('difyExternalKnowledgeTrigger');
  const extension = hookOf('difyExtensionTrigger');
  const difyCalls = {
    cli: path.relative(process.cwd(), sandboxCli) || sandboxCli,
    key: SANDBOX_ENDPOINT_KEY,
    retrievalEndpoint,
    extensionUrl: extension && `${extension}/extension`,
  };
  console.log(
    startBanner({
      url: instance.url,
      firstRun,
      nodes: nodes.filter((n) => !n.endsWith('Tool')).map((n) => n.split('.')[1]),
      sandboxUrl: sandbox.url,
      chatPath: chat?.chatPath,
      difyCalls,
      userFolder: path.relative(REPO, USER_FOLDER) || USER_FOLDER,
      keys: credentials.map((c) => ({ name: c.name, key: c.data.apiKey ?? c.data.secretWebhookUrl })),
    }),
  );
}


/** `--queue`: the same sandbox, examples and credentials in n8n's queue mode. */
async function startQueue(runtime, sandbox) {
  const baseDir = path.join(STATE, 'queue');
  // Postgres starts empty every time, so everything below is set up again.
  fs.rmSync(baseDir, { recursive: true, force: true });
  cluster = new QueueCluster({
    runtime,
    baseDir,
    workers: 2,
    webhook: false,
    port: N8N_PORT,
    logFormat: 'text',
    workerLogLevel: 'info',
    onLog: (name, line) => console.log(`[${name}] ${line}`),
  });
  say('starting Postgres and Redis (system packages, temporary folders)...');
  const { tgz } = packPackage(path.join(STATE, 'pack'));
  await cluster.prepare({ tgz });
  say(`Postgres on 127.0.0.1:${cluster.postgres.port} (as ${cluster.postgres.account}), Redis on 127.0.0.1:${cluster.redis.port}`);
  const main = cluster.main;
  const nodes = (await main.exportNodes()).map((n) => n.name).filter((n) => n.startsWith(`${PACKAGE_NAME}.`));
  if (!nodes.length) throw new Error(`n8n did not load any node of ${PACKAGE_NAME}; see the n8n output above.`);
  const credentials = sandboxCredentials({ ...sandbox, webhookUrls: sandbox.webhooks });
  await main.importCredentials(credentials);
  const examples = readExamples(sandbox.url);
  await main.importWorkflows(examples.map((e) => e.workflow));
  for (const e of examples) if (e.publish) await main.publish(e.workflow.id);
  say('starting n8n main and two workers...');
  await cluster.start({ timeoutMs: 180000 });
  for (const p of cluster.processes()) {
    p.server.once('exit', (code) => {
      if (!stopping) {
        say(`n8n ${p.role} exited (code ${code}); stopping everything.`);
        void shutdown(code || 1);
      }
    });
  }
  const chat = examples.find((e) => e.chatPath);
  const folder = (p) => path.relative(REPO, p.userFolder);
  console.log(
    startBanner({
      url: main.url,
      firstRun: true,
      nodes: nodes.filter((n) => !n.endsWith('Tool')).map((n) => n.split('.')[1]),
      sandboxUrl: sandbox.url,
      chatPath: chat?.chatPath,
      userFolder: path.relative(REPO, baseDir),
      queue: [
        { name: 'main', where: `${main.url}  editor, webhooks, Dify Trigger polls; package in ${folder(main)}` },
        ...cluster.workers.map((w, i) => ({
          name: `worker ${i + 1}`,
          where: `pid ${w.server.pid}, health http://127.0.0.1:${w.healthPort}/healthz; package in ${folder(w)}`,
        })),
        { name: 'Postgres', where: `127.0.0.1:${cluster.postgres.port} (database; binary data too: N8N_DEFAULT_BINARY_DATA_MODE=database)` },
        { name: 'Redis', where: `127.0.0.1:${cluster.redis.port} (the job queue)` },
      ],
    }),
  );
}

main().catch(async (e) => {
  console.error(`[start] ${e instanceof RuntimeError ? e.message : e.stack || e.message}`);
  await Promise.all(children.map((c) => terminate(c)));
  if (instance) await instance.stop();
  if (cluster) await cluster.stop();
  process.exit(1);
});
