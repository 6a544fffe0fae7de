'use strict';
/*
 * One n8n instance (a user folder plus the runtime that serves it), driven through n8n's own CLI and
 * HTTP server. Shared by `npm start` (scripts/start.js) and the e2e suite (test/e2e), so both load the
 * package the same way a user's n8n does. Only Node built-ins.
 */
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const http = require('http');
const crypto = require('crypto');
const { spawn, spawnSync } = require('child_process');

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(REPO, 'package.json')).name;

// Every n8n process group we start, so an aborted run (a failing test, Ctrl-C) leaves none behind.
const live = new Set();
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
process.once('exit', () => {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Ports n8n itself takes by default: the editor and the task-runner broker. */
const RESERVED_PORTS = new Set([5678, 5679]);

function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** A free port that is not one n8n would claim for itself (a collision there gives a confusing failure). */
async function freePort(avoid = []) {
  const skip = new Set([...RESERVED_PORTS, ...avoid]);
  for (let i = 0; i < 50; i++) {
    const port = await new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (!skip.has(port)) return port;
  }
  throw new Error('no free TCP port found');
}

/**
 * `npm pack` of the built package: the same tarball a user installs, so a file missing from
 * `files` in package.json fails here instead of after publishing.
 */
function packPackage(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  if (!fs.existsSync(path.join(REPO, 'dist'))) {
    throw new Error(`${REPO}/dist is missing: run "npm run build" first.`);
  }
  const r = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
  return { tgz: path.join(outDir, info.filename), files: info.files.map((f) => f.path) };
}

/**
 * What n8n's own "Install community package" does (CommunityPackagesService in n8n 2.x): unpack the
 * tarball into <userFolder>/.n8n/nodes/node_modules/<name>, drop its dev/peer/optional dependencies
 * from package.json (so n8n-workflow resolves to n8n's own copy) and install the remaining
 * dependencies with scripts off. n8n then loads it with the same loader as any community package.
 */
function installCommunityPackage(userFolder, tgz) {
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const pj = path.join(nodesDir, 'package.json');
  if (!fs.existsSync(pj)) fs.writeFileSync(pj, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  const tar = spawnSync('tar', ['-xzf', tgz, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not unpack ${tgz}: ${tar.stderr}`);
  const manifestPath = path.join(target, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  for (const k of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete manifest[k];
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const r = spawnSync(
    'npm',
    ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
    { cwd: target, encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' } },
  );
  if (r.status !== 0) throw new Error(`npm install in ${target} failed:\n${r.stderr}`);
  // n8n lists installed packages in nodes/package.json too (it rebuilds the folder from it).
  const nodesManifest = JSON.parse(fs.readFileSync(pj, 'utf8'));
  nodesManifest.dependencies = { ...(nodesManifest.dependencies || {}), [PACKAGE_NAME]: manifest.version };
  fs.writeFileSync(pj, JSON.stringify(nodesManifest, null, 2));
  return { dir: target, version: manifest.version };
}

/**
 * `n8n execute --rawOutput` prints the execution JSON (pretty, one write) between log lines, which can
 * come before and after it (the task runner registers late).
 */
function parseExecutionOutput(stdout) {
  const lines = stdout.split('\n');
  const starts = [];
  const ends = [];
  lines.forEach((l, i) => {
    if (l === '{' || l.startsWith('{"')) starts.push(i);
    if (l === '}' || (l.startsWith('{"') && l.endsWith('}'))) ends.push(i);
  });
  for (const i of starts) {
    for (let k = ends.length - 1; k >= 0 && ends[k] >= i; k--) {
      try {
        const parsed = JSON.parse(lines.slice(i, ends[k] + 1).join('\n'));
        if (parsed && typeof parsed === 'object' && 'data' in parsed) return parsed;
      } catch {
        /* not this span */
      }
    }
  }
  return null;
}

function waitForExit(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Kills a process group we started (n8n starts a task-runner child of its own). */
async function terminate(child, graceMs = 10000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  await waitForExit(child);
  clearTimeout(timer);
}

function request(url, { method = 'GET', headers = {}, body, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      u,
      {
        method,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

class N8nInstance {
  /**
   * @param {object} opts
   * @param {object} opts.runtime from scripts/n8n-runtime.js
   * @param {string} opts.userFolder
   * @param {number} [opts.port] editor/webhook port (default 5678)
   * @param {number} [opts.brokerPort] task-runner broker port
   * @param {object} [opts.env] extra environment
   * @param {(line: string) => void} [opts.onLog] receives the output of `n8n start`
   * @param {'start'|'worker'|'webhook'} [opts.role] which n8n process `start()` runs (queue mode has all three)
   * @param {number} [opts.healthPort] a worker's health server port (its readiness is asked there)
   * @param {number} [opts.concurrency] a worker's `--concurrency` (n8n's default is 10)
   */
  constructor(opts) {
    this.runtime = opts.runtime;
    this.userFolder = path.resolve(opts.userFolder);
    this.port = opts.port || 5678;
    this.brokerPort = opts.brokerPort;
    this.extraEnv = opts.env || {};
    this.onLog = opts.onLog;
    this.role = opts.role || 'start';
    this.healthPort = opts.healthPort;
    this.workerArgs = opts.concurrency ? [`--concurrency=${opts.concurrency}`] : [];
    this.server = null;
    this.serverLog = '';
    this.isV1 = String(this.runtime.n8nVersion).startsWith('1.');
    fs.mkdirSync(path.join(this.userFolder, '.n8n'), { recursive: true });
    // The key must stay the same between import and execute/start or credentials cannot be decrypted.
    const keyFile = path.join(this.userFolder, 'encryption-key');
    if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, crypto.randomBytes(24).toString('hex'), { mode: 0o600 });
    this.encryptionKey = fs.readFileSync(keyFile, 'utf8').trim();
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  env() {
    const noProxy = ['127.0.0.1', 'localhost', process.env.NO_PROXY || process.env.no_proxy].filter(Boolean).join(',');
    const env = this.runtime.env({
      N8N_USER_FOLDER: this.userFolder,
      N8N_ENCRYPTION_KEY: this.encryptionKey,
      DB_TYPE: 'sqlite',
      N8N_PORT: String(this.port),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_PROTOCOL: 'http',
      N8N_SECURE_COOKIE: 'false',
      // `execute --rawOutput` prints its JSON only at level info or more verbose.
      N8N_LOG_LEVEL: 'info',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
      N8N_HIRING_BANNER_ENABLED: 'false',
      NO_PROXY: noProxy,
      no_proxy: noProxy,
      ...(this.brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(this.brokerPort) } : {}),
      ...(this.role === 'worker' && this.healthPort
        ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }
        : {}),
      ...this.extraEnv,
    });
    // Inherited from a parent jest/npm: NODE_ENV=test switches n8n to its test behaviour (no DB file,
    // no output), and the others point module loading elsewhere.
    for (const k of ['NODE_ENV', 'NODE_OPTIONS', 'NODE_PATH', 'JEST_WORKER_ID', 'TS_JEST']) delete env[k];
    return env;
  }

  /** Runs one n8n CLI command to completion. */
  cli(args, { timeoutMs = 180000 } = {}) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const c = this.runtime.command(args);
      const child = track(
        spawn(c.file, c.args, { env: this.env(), cwd: this.userFolder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        void terminate(child, 3000);
        reject(new Error(`n8n ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
      });
    });
  }

  async cliOk(args, opts) {
    const r = await this.cli(args, opts);
    if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  installPackage(tgz) {
    return installCommunityPackage(this.userFolder, tgz);
  }

  /** Import files hold credentials (keys in plain text until n8n encrypts them): readable by the user only. */
  writeTemp(name, data) {
    const dir = path.join(this.userFolder, 'imports');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
    // An existing file keeps its mode on write: set it every time.
    fs.chmodSync(file, 0o600);
    return file;
  }

  /** Creates or overwrites credentials (by id); plain `data` is encrypted by n8n on import. */
  async importCredentials(credentials) {
    return this.cliOk(['import:credentials', `--input=${this.writeTemp('credentials.json', credentials)}`]);
  }

  /** Creates or overwrites workflows (by id). Imported workflows start unpublished. */
  async importWorkflows(workflows) {
    const list = Array.isArray(workflows) ? workflows : [workflows];
    return this.cliOk(['import:workflow', `--input=${this.writeTemp('workflows.json', list)}`]);
  }

  /** Makes a workflow's triggers live at the next `n8n start` (n8n 1.x called this activating). */
  async publish(id) {
    if (this.isV1) return this.cliOk(['update:workflow', `--id=${id}`, '--active=true']);
    return this.cliOk(['publish:workflow', `--id=${id}`]);
  }

  /**
   * Publishes through the running instance's REST API, as the editor's Publish button does: no CLI
   * process to boot per workflow, and the instance activates the triggers at once.
   */
  async publishLive(id, cookie) {
    const wf = await this.request(`/rest/workflows/${id}`, { headers: { cookie } });
    const versionId = wf.json?.data?.versionId;
    if (wf.status !== 200 || !versionId) throw new Error(`GET /rest/workflows/${id}: ${wf.status} ${wf.text.slice(0, 300)}`);
    const r = await this.request(`/rest/workflows/${id}/activate`, { method: 'POST', headers: { cookie }, body: { versionId } });
    if (r.status !== 200) throw new Error(`publishing workflow ${id} failed: ${r.status} ${r.text.slice(0, 500)}`);
    return r.json?.data;
  }

  /** `n8n execute --id`: runs from the workflow's Manual Trigger; `result` is the execution JSON. */
  async execute(id, opts) {
    const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], opts);
    return { ...r, result: parseExecutionOutput(r.stdout) };
  }

  async exportNodes() {
    const file = path.join(this.userFolder, 'imports', 'nodes.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.cliOk(['export:nodes', `--output=${file}`]);
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  /** Starts `n8n start` (or `n8n worker` / `n8n webhook`) and resolves when it is ready. */
  async start({ timeoutMs = 120000, inheritOutput = false } = {}) {
    if (this.server) throw new Error('already started');
    const listensOn = this.role === 'worker' ? this.healthPort : this.port;
    if (listensOn && !(await portFree(listensOn))) {
      throw new Error(`Port ${listensOn} on 127.0.0.1 is already in use (another n8n?). Stop it or choose another port.`);
    }
    const c = this.runtime.command(this.role === 'worker' ? ['worker', ...(this.workerArgs || [])] : [this.role]);
    const child = track(
      spawn(c.file, c.args, {
        env: this.env(),
        cwd: this.userFolder,
        detached: true,
        stdio: ['ignore', inheritOutput ? 'inherit' : 'pipe', inheritOutput ? 'inherit' : 'pipe'],
      }),
    );
    this.server = child;
    // Earlier runs' output stays readable (a restarted process is still the same instance).
    this.pastLogs = (this.pastLogs || '') + this.serverLog;
    this.serverLog = '';
    const onData = (d) => {
      const s = String(d);
      this.serverLog += s;
      if (this.onLog) for (const line of s.split('\n')) if (line) this.onLog(line);
    };
    if (!inheritOutput) {
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    }
    const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve({ code, sig })));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const raced = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 500))]);
      if (raced) {
        this.server = null;
        throw new Error(`n8n ${this.role} exited early (${raced.sig || `code ${raced.code}`}):\n${this.serverLog.slice(-4000)}`);
      }
      try {
        if (await this.ready()) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`n8n did not become ready within ${timeoutMs} ms:\n${this.serverLog.slice(-4000)}`);
      }
    }
    return this;
  }

  async ready() {
    if (this.role === 'worker') {
      if (!this.healthPort) return /n8n worker is now ready/.test(this.serverLog);
      return (await request(`http://127.0.0.1:${this.healthPort}/healthz/readiness`, { timeoutMs: 2000 })).status === 200;
    }
    // Readiness only says the DB is up; n8n 1.x registers its REST routes and webhooks after
    // that, so also wait for a public REST route (the editor's first request).
    const ready = await request(`${this.url}/healthz/readiness`, { timeoutMs: 2000 });
    if (ready.status !== 200) return false;
    if (this.role === 'webhook') return true;
    return (await request(`${this.url}/rest/settings`, { timeoutMs: 2000 })).status === 200;
  }

  async stop() {
    const child = this.server;
    this.server = null;
    await terminate(child);
  }

  request(pathname, opts) {
    return request(`${this.url}${pathname}`, opts);
  }

  /** Creates the instance owner (first run only) and returns a session cookie for the REST API. */
  async login(owner = { email: 'owner@example.com', firstName: 'Sandbox', lastName: 'Owner', password: 'Sandbox-Owner-1' }) {
    let r = await this.request('/rest/owner/setup', { method: 'POST', body: owner });
    if (r.status !== 200) {
      r = await this.request('/rest/login', {
        method: 'POST',
        body: { emailOrLdapLoginId: owner.email, password: owner.password },
      });
    }
    if (r.status !== 200) throw new Error(`could not log in to n8n: ${r.status} ${r.text.slice(0, 300)}`);
    const cookie = [].concat(r.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
    return cookie;
  }
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

module.exports = {
  N8nInstance,
  track,
  PACKAGE_NAME,
  REPO,
  freePort,
  portFree,
  packPackage,
  installCommunityPackage,
  parseExecutionOutput,
  request,
  terminate,
  tempDir,
};
