'use strict';
/*
 * n8n in queue mode on one machine: Postgres and Redis (scripts/lib/queue-services.js), one main
 * instance (editor, triggers and pollers), `n8n worker` processes that run the executions and
 * optionally an `n8n webhook` process that takes production webhook calls. Every process has its own
 * user folder, as on separate machines, with this package installed in each the way n8n installs
 * community packages, and all share one encryption key. Shared by `npm start -- --queue` and the
 * queue-mode e2e lane. Only Node built-ins.
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { N8nInstance, freePort, installCommunityPackage } = require('./n8n-instance');
const { startPostgres, startRedis } = require('./queue-services');

/** What every process of the cluster shares. */
function queueEnv({ postgres, redis, extra = {} }) {
  return {
    ...postgres.n8nEnv(),
    ...redis.n8nEnv(),
    EXECUTIONS_MODE: 'queue',
    // What n8n 3.0 does by default: editor ("manual") runs go to the workers too.
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    // The binary data mode queue mode allows without external storage (filesystem is per machine).
    N8N_DEFAULT_BINARY_DATA_MODE: 'database',
    N8N_DISABLED_MODULES: 'mcp-registry',
    ...extra,
  };
}

class QueueCluster {
  /**
   * @param {object} opts
   * @param {object} opts.runtime from scripts/n8n-runtime.js
   * @param {string} opts.baseDir a folder for the user folders of every process
   * @param {number} [opts.workers] number of `n8n worker` processes (default 2)
   * @param {boolean} [opts.webhook] also run an `n8n webhook` process (default true)
   * @param {number} [opts.concurrency] each worker's concurrency
   * @param {number} [opts.port] the main instance's port
   * @param {object} [opts.env] extra environment for every process
   * @param {(process: string) => object} [opts.processEnv] extra environment for one process ('main',
   *   'worker-1', …, 'webhook'), over `env`
   * @param {object} [opts.postgres] an already started Postgres (else one is started and stopped here)
   * @param {object} [opts.redis] an already started Redis (likewise)
   * @param {(process: string, line: string) => void} [opts.onLog] receives every process's output
   * @param {string} [opts.workerLogLevel] default 'debug': the level at which a worker logs its id
   * @param {string} [opts.logFormat] default 'json': the main logs the worker of each finished job only there
   */
  constructor(opts) {
    this.opts = opts;
    this.runtime = opts.runtime;
    this.baseDir = path.resolve(opts.baseDir);
    this.workerCount = opts.workers ?? 2;
    this.withWebhook = opts.webhook ?? true;
    this.main = null;
    this.workers = [];
    this.webhook = null;
    this.postgres = opts.postgres || null;
    this.redis = opts.redis || null;
    this.ownServices = [];
  }

  folder(name) {
    const dir = path.join(this.baseDir, name);
    fs.mkdirSync(path.join(dir, '.n8n'), { recursive: true });
    // N8nInstance keeps the key in this file; one key for all processes, or workers cannot decrypt credentials.
    fs.writeFileSync(path.join(dir, 'encryption-key'), this.key, { mode: 0o600 });
    return dir;
  }

  /** Starts Postgres and Redis (unless given) and creates the processes' user folders; starts no n8n yet. */
  async prepare({ tgz } = {}) {
    fs.mkdirSync(this.baseDir, { recursive: true });
    const keyFile = path.join(this.baseDir, 'encryption-key');
    if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, crypto.randomBytes(24).toString('hex'), { mode: 0o600 });
    this.key = fs.readFileSync(keyFile, 'utf8').trim();
    if (!this.postgres) {
      this.postgres = await startPostgres();
      this.ownServices.push(this.postgres);
    }
    if (!this.redis) {
      this.redis = await startRedis();
      this.ownServices.push(this.redis);
    }
    // The main logs "Execution N (job M) finished" with the worker's id only in its JSON metadata.
    const env = queueEnv({ postgres: this.postgres, redis: this.redis, extra: { N8N_LOG_FORMAT: this.opts.logFormat || 'json', ...this.opts.env } });
    const onLog = (name) => (this.opts.onLog ? (line) => this.opts.onLog(name, line) : undefined);
    const own = (name) => (this.opts.processEnv ? this.opts.processEnv(name) : {});
    const taken = [this.postgres.port, this.redis.port];
    const port = async () => {
      const p = await freePort(taken);
      taken.push(p);
      return p;
    };
    this.main = new N8nInstance({
      runtime: this.runtime,
      userFolder: this.folder('main'),
      port: this.opts.port || (await port()),
      brokerPort: await port(),
      env: { ...env, ...own('main') },
      onLog: onLog('main'),
    });
    taken.push(this.main.port);
    for (let i = 1; i <= this.workerCount; i++) {
      this.workers.push(
        new N8nInstance({
          runtime: this.runtime,
          userFolder: this.folder(`worker-${i}`),
          role: 'worker',
          port: await port(),
          healthPort: await port(),
          brokerPort: await port(),
          concurrency: this.opts.concurrency,
          // A worker names its id ("Host ID: worker-…") only at debug level.
          env: { ...env, N8N_LOG_LEVEL: this.opts.workerLogLevel || 'debug', ...own(`worker-${i}`) },
          onLog: onLog(`worker-${i}`),
        }),
      );
    }
    if (this.withWebhook) {
      this.webhook = new N8nInstance({
        runtime: this.runtime,
        userFolder: this.folder('webhook'),
        role: 'webhook',
        port: await port(),
        brokerPort: await port(),
        env: { ...env, ...own('webhook') },
        onLog: onLog('webhook'),
      });
    }
    if (tgz) for (const p of this.processes()) installCommunityPackage(p.userFolder, tgz);
    return this;
  }

  processes() {
    return [this.main, ...this.workers, ...(this.webhook ? [this.webhook] : [])].filter(Boolean);
  }

  /** Main first (it runs the migrations), then workers and the webhook process in parallel. */
  async start({ timeoutMs = 180000 } = {}) {
    await this.main.start({ timeoutMs });
    await Promise.all([...this.workers, ...(this.webhook ? [this.webhook] : [])].map((p) => p.start({ timeoutMs })));
    return this;
  }

  /** Where production webhooks go: the webhook process when there is one. */
  get webhookUrl() {
    return (this.webhook || this.main).url;
  }

  /** The ids n8n gave a worker (`worker-<random>`, new at every start); the main records one per finished job. */
  hostIdsOf(worker) {
    const log = (worker.pastLogs || '') + worker.serverLog;
    return [...log.matchAll(/Host ID: (worker-[A-Za-z0-9_-]+)/g)].map((m) => m[1]);
  }

  /**
   * Jobs the main instance saw finish ("Execution N (job M) finished", with the worker's id in its
   * JSON metadata), in the part of its output after `since` characters of `serverLog` (all runs when
   * `since` is undefined).
   */
  finishedJobs(since) {
    const log = since === undefined ? (this.main.pastLogs || '') + this.main.serverLog : this.main.serverLog.slice(since);
    const jobs = [];
    for (const line of log.split('\n')) {
      if (!line.startsWith('{') || !line.includes(') finished')) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      const m = /^Execution (\d+) \(job \S+\) finished$/.exec(entry.message || '');
      if (m) jobs.push({ executionId: m[1], workerId: entry.metadata?.workerId, success: entry.metadata?.success });
    }
    return jobs;
  }

  /** The worker id the main instance logged when execution `id` finished, if it did. */
  finishedOn(executionId) {
    return this.finishedJobs().find((j) => j.executionId === String(executionId))?.workerId;
  }

  /** Which worker process logged that it started execution `id`. */
  workerThatStarted(executionId) {
    const re = new RegExp(`Worker started execution ${executionId} \\(job `);
    return this.workers.find((w) => re.test((w.pastLogs || '') + w.serverLog));
  }

  async stop() {
    await Promise.all(this.processes().map((p) => p.stop()));
    for (const s of this.ownServices.reverse()) await s.stop();
    this.ownServices = [];
  }
}

module.exports = { QueueCluster, queueEnv };
