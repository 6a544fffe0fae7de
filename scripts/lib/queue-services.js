'use strict';
/*
 * Postgres and Redis from the system's packages (Debian: `postgresql`, `redis-server`), started for one
 * run in a temporary folder on free ports and stopped afterwards: what n8n's queue mode needs besides
 * n8n itself. Shared by `npm start -- --queue` and the queue-mode e2e lane. Only Node built-ins.
 *
 * Postgres refuses to run as root (initdb and postgres both exit with "cannot be run as root"). When
 * this runs as root (CI containers), both run as the unprivileged `postgres` account the Debian package
 * creates (else `nobody`), through Node's `uid`/`gid` spawn options; the cluster's folder is handed to
 * that account. Otherwise they run as the current user.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { freePort, terminate, track } = require('./n8n-instance');

const INSTALL_COMMAND = 'sudo apt-get install -y postgresql redis-server';

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) return file;
  }
  return null;
}

/** Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin. */
function postgresBinDir() {
  if (process.env.PG_BINDIR && fs.existsSync(path.join(process.env.PG_BINDIR, 'initdb'))) return process.env.PG_BINDIR;
  // DIFY_QUEUE_PG_ROOT: another place than Debian's to look in (the tests point it at an empty folder).
  const root = process.env.DIFY_QUEUE_PG_ROOT || '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length) return path.join(root, majors[0], 'bin');
  const initdb = onPath('initdb');
  return initdb ? path.dirname(initdb) : null;
}

function redisServer() {
  return onPath('redis-server');
}

/** What is missing, and the one command that installs it. */
function missingServices() {
  const missing = [];
  if (!postgresBinDir()) missing.push('postgresql');
  if (!redisServer()) missing.push('redis-server');
  return { missing, installCommand: INSTALL_COMMAND };
}

/** The account Postgres runs as: us, or an unprivileged one when we are root. */
function postgresAccount() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0) return { name, uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  throw new Error('running as root, and neither a "postgres" nor a "nobody" account exists to run Postgres as');
}

function chownTree(dir, account) {
  if (!account) return;
  fs.chownSync(dir, account.uid, account.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, account);
    else fs.chownSync(p, account.uid, account.gid);
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function collect(child) {
  const log = { text: '' };
  const add = (d) => {
    log.text += d;
    if (log.text.length > 200000) log.text = log.text.slice(-100000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return log;
}

async function waitUntil(what, child, log, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited while starting:\n${log.text.slice(-3000)}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${log.text.slice(-3000)}`);
    await sleep(200);
  }
}

/**
 * A throwaway Postgres cluster: trust authentication on 127.0.0.1 only, no Unix socket outside its
 * folder, durability off (a test database; losing it on a crash costs nothing).
 */
async function startPostgres({ dir, port } = {}) {
  const bin = postgresBinDir();
  if (!bin) throw new Error(`Postgres is not installed. Install it with: ${INSTALL_COMMAND}`);
  port = port || (await freePort());
  const account = postgresAccount();
  const base = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'dify-queue-pg-'));
  const data = path.join(base, 'data');
  // The folder (and /tmp's mkdtemp folder mode 0700) must be reachable by the account Postgres runs as.
  chownTree(base, account);
  const as = account ? { uid: account.uid, gid: account.gid } : {};
  const user = 'n8n';
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', cwd: base, ...as, env: { ...process.env, LC_ALL: 'C' } },
  );
  if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${init.stdout}\n${init.stderr}`);
  const child = track(
    spawn(
      path.join(bin, 'postgres'),
      [
        '-D', data,
        '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${base}`,
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
      ],
      { cwd: base, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...as, env: { ...process.env, LC_ALL: 'C' } },
    ),
  );
  const log = collect(child);
  const isready = path.join(bin, 'pg_isready');
  await waitUntil(
    'postgres',
    child,
    log,
    async () => spawnSync(isready, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-q'], { timeout: 5000 }).status === 0,
    60000,
  );
  return {
    kind: 'postgres',
    port,
    host: '127.0.0.1',
    user,
    database: 'postgres',
    dir: base,
    account: account ? account.name : os.userInfo().username,
    child,
    log,
    /** n8n's settings for this database. */
    n8nEnv() {
      return {
        DB_TYPE: 'postgresdb',
        DB_POSTGRESDB_HOST: '127.0.0.1',
        DB_POSTGRESDB_PORT: String(port),
        DB_POSTGRESDB_DATABASE: 'postgres',
        DB_POSTGRESDB_USER: user,
        DB_POSTGRESDB_PASSWORD: '',
        DB_POSTGRESDB_POOL_SIZE: '4',
      };
    },
    async stop() {
      // SIGINT is Postgres's "fast" shutdown: it ends client sessions and exits.
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGINT');
        } catch {
          /* gone */
        }
        const done = new Promise((r) => child.once('exit', r));
        const timer = setTimeout(() => void terminate(child, 1000), 15000);
        await done;
        clearTimeout(timer);
      }
      if (!dir) fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** A throwaway Redis: 127.0.0.1 only, nothing written to disk. */
async function startRedis({ dir, port } = {}) {
  const server = redisServer();
  if (!server) throw new Error(`Redis is not installed. Install it with: ${INSTALL_COMMAND}`);
  port = port || (await freePort());
  const base = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'dify-queue-redis-'));
  const child = track(
    spawn(
      server,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', base, '--daemonize', 'no', '--loglevel', 'notice'],
      { cwd: base, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  const log = collect(child);
  await waitUntil('redis-server', child, log, async () => /Ready to accept connections/.test(log.text), 30000);
  return {
    kind: 'redis',
    port,
    host: '127.0.0.1',
    dir: base,
    child,
    log,
    n8nEnv() {
      return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) };
    },
    async stop() {
      await terminate(child, 10000);
      if (!dir) fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

module.exports = { INSTALL_COMMAND, missingServices, postgresBinDir, redisServer, startPostgres, startRedis };
