#!/usr/bin/env node
'use strict';
/*
 * Installs and locates the real n8n runtimes the package is tried against (npm start, e2e suite).
 *
 *   node scripts/n8n-runtime.js install [--line=2|1|all]   install once, reuse afterwards
 *   node scripts/n8n-runtime.js info [--line=2]            print the paths as JSON
 *   node scripts/n8n-runtime.js n8n [--line=2] -- <args>   run that n8n (e.g. -- export:nodes --output=x.json)
 *
 * Only Node built-ins: this runs before (and independently of) the project's own node_modules.
 *
 * Where things go: a runtime is ~2.7 GB and takes minutes to install, and CI works on a fresh clone
 * every time, so the install itself lives in a per-user store outside the clone
 * ($DIFY_SUITE_RUNTIME_CACHE, else $XDG_CACHE_HOME/n8n-nodes-dify-suite, else ~/.cache/...), and the
 * clone's git-ignored `.cache/n8n-runtime/<line>` is a symlink to it. DIFY_SUITE_RUNTIME_CACHE=local
 * keeps everything inside `.cache/` instead.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { spawn, spawnSync } = require('child_process');

const REPO = path.resolve(__dirname, '..');
const TEMPLATES = path.join(__dirname, 'runtime');

/*
 * n8n 2.36+ requires Node >= 24, which this machine kind does not have, so each line brings its own
 * Node from the npm registry (the `node-<platform>-<arch>` packages carry the official binaries and
 * headers); `node: null` would mean "the Node that runs this script".
 * The dependency tree of each line is pinned by scripts/runtime/<line>/package-lock.json.
 */
const LINES = {
  // isolated-vm ships a prebuilt binary for Node 24; rebuilding it only checks that it loads.
  2: { n8n: '2.41.1', node: '24.21.0', native: ['sqlite3', 'isolated-vm'] },
  // n8n 1.123.81 says node >=20.19, but its default expression engine needs isolated-vm 6.2, which
  // has binaries for Node 22/24 only and does not compile on Node 20 (n8n then exits at startup).
  // Node 22 is also what n8n's own 1.x images run.
  1: { n8n: '1.123.81', node: '22.23.3', native: ['sqlite3', 'isolated-vm'] },
};

const PREFIX = '[n8n-runtime]';
const log = (...a) => console.log(PREFIX, ...a);

class RuntimeError extends Error {}

function storeRoot() {
  const v = process.env.DIFY_SUITE_RUNTIME_CACHE;
  if (v === 'local') return path.join(REPO, '.cache', 'n8n-runtime', 'store');
  if (v) return path.resolve(v);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'n8n-nodes-dify-suite');
}

function linkPath(line) {
  return path.join(REPO, '.cache', 'n8n-runtime', String(line));
}

function templateDir(line) {
  return path.join(TEMPLATES, `n8n-${line}`);
}

// The key changes whenever the pinned tree changes, so an edited lockfile means a fresh install
// next to (not over) a runtime another checkout may still be using.
function runtimeKey(line) {
  const spec = LINES[line];
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ n8n: spec.n8n, node: spec.node }));
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(templateDir(line), f);
    if (fs.existsSync(p)) h.update(fs.readFileSync(p));
  }
  h.update(`${process.platform}-${process.arch}`);
  return `n8n-${spec.n8n}-${h.digest('hex').slice(0, 10)}`;
}

function nodePackageName() {
  return `node-${process.platform}-${process.arch}`;
}

function describe(line, dir) {
  const spec = LINES[line];
  const nodeBin = spec.node
    ? path.join(dir, 'node', 'node_modules', nodePackageName(), 'bin', 'node')
    : process.execPath;
  const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
  const binDir = path.dirname(nodeBin);
  return {
    line: String(line),
    n8nVersion: spec.n8n,
    nodeVersion: spec.node || process.versions.node,
    dir,
    nodeBin,
    n8nBin,
    binDir,
    /** Environment for anything that runs this n8n: its `#!/usr/bin/env node` must find the right Node. */
    env(extra = {}) {
      const env = { ...process.env, ...extra };
      env.PATH = `${binDir}${path.delimiter}${process.env.PATH || ''}`;
      return env;
    },
    /** argv to spawn n8n without relying on the shebang. */
    command(args = []) {
      return { file: nodeBin, args: [n8nBin, ...args] };
    },
  };
}

function readMarker(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'runtime.json'), 'utf8'));
  } catch {
    return null;
  }
}

function isComplete(line, dir) {
  const m = readMarker(dir);
  if (!m || m.key !== runtimeKey(line)) return false;
  const d = describe(line, dir);
  return fs.existsSync(d.n8nBin) && fs.existsSync(d.nodeBin);
}

/** The installed runtime, or null. Never installs. */
function findRuntime(line = 2) {
  line = String(line);
  if (!LINES[line]) throw new RuntimeError(`Unknown n8n line "${line}" (known: ${Object.keys(LINES).join(', ')})`);
  const dir = path.join(storeRoot(), runtimeKey(line));
  if (isComplete(line, dir)) {
    linkIntoRepo(line, dir);
    return describe(line, dir);
  }
  return null;
}

function linkIntoRepo(line, dir) {
  const link = linkPath(line);
  if (path.resolve(link) === path.resolve(dir)) return;
  try {
    if (fs.readlinkSync(link) === dir) return;
  } catch {
    /* missing or not a link */
  }
  try {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true, recursive: false });
    fs.symlinkSync(dir, link, 'dir');
  } catch {
    // The link only helps people find the runtime; the store path is what everything uses.
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

// Two checkouts (or CI and a developer) may install the same runtime at once; the loser waits.
async function withLock(lockDir, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'owner'), `${process.pid}\n`);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = parseInt(fs.readFileSync(path.join(lockDir, 'owner'), 'utf8'), 10);
      } catch {
        /* being written */
      }
      if (Number.isInteger(owner) && !pidAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(`another process (pid ${owner}) is installing this runtime; waiting for it...`);
        announced = true;
      }
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function safeList(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * What the pinned lockfile installs on this machine: every package, and those unpacked at the top of
 * node_modules (what countPackages sees). Optional packages for other platforms are skipped by npm,
 * so they are not counted; the progress line then ends at (about) the announced number.
 */
function expectedPackages(lockFile) {
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  } catch {
    return undefined;
  }
  const fits = (list, value) => !Array.isArray(list) || list.some((x) => x === value) || (list.some((x) => x.startsWith('!')) && !list.includes(`!${value}`));
  const libc = process.platform !== 'linux' ? undefined : process.report?.getReport?.().header?.glibcVersionRuntime ? 'glibc' : 'musl';
  let all = 0;
  let topLevel = 0;
  for (const [key, entry] of Object.entries(lock.packages || {})) {
    if (!key || entry.link || entry.extraneous) continue;
    if (!fits(entry.os, process.platform) || !fits(entry.cpu, process.arch) || !fits(entry.libc, libc)) continue;
    all++;
    if (/^node_modules\/(@[^/]+\/)?[^/]+$/.test(key)) topLevel++;
  }
  return { all, topLevel };
}

function countPackages(nm) {
  let n = 0;
  let entries;
  try {
    entries = fs.readdirSync(nm);
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.startsWith('.')) continue;
    // npm creates every folder up front and fills them later; package.json marks a finished one.
    const dirs = e.startsWith('@') ? safeList(path.join(nm, e)).map((s) => path.join(e, s)) : [e];
    for (const d of dirs) if (fs.existsSync(path.join(nm, d, 'package.json'))) n++;
  }
  return n;
}

function fmt(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

const NETWORK_ERROR = /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|network (request|timeout))\b/i;

function registryUrl() {
  const r = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' });
  return (r.stdout || '').trim() || 'https://registry.npmjs.org/';
}

function unreachable(detail) {
  const reg = registryUrl();
  return new RuntimeError(
    `Cannot reach the npm registry (${reg}).\n` +
      `The n8n runtime is downloaded from the npm registry once and then reused from ${storeRoot()}.\n` +
      `Check the network or proxy (npm config get proxy / https-proxy), or point npm at a mirror with npm_config_registry=<url>, then run again.\n` +
      (detail ? `npm said: ${(detail.split('\n').find((l) => NETWORK_ERROR.test(l)) || detail.trim().split('\n').pop()).trim()}` : ''),
  );
}

/**
 * Runs a command, mirrors its output into a log file, and prints a heartbeat so a multi-minute
 * quiet step does not look hung.
 */
function run(title, file, args, { cwd, env, logFile, progress }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ ${file} ${args.join(' ')}   (in ${cwd})\n`);
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', out, out] });
    const timer = setInterval(() => {
      const extra = progress ? `, ${progress()}` : '';
      log(`  ${title}: ${fmt(Date.now() - started)} elapsed${extra}`);
    }, 15000);
    let interrupted = false;
    const stop = () => {
      interrupted = true;
      child.kill('SIGTERM');
      // npm sometimes finishes its current step before honouring SIGTERM.
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('error', (e) => {
      clearInterval(timer);
      fs.closeSync(out);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      fs.closeSync(out);
      if (code === 0) return resolve(Date.now() - started);
      if (interrupted) return reject(new RuntimeError(`${title} interrupted; nothing was kept (run again to install).`));
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      if (NETWORK_ERROR.test(tail)) return reject(unreachable(tail));
      reject(
        new RuntimeError(
          `${title} failed (${signal || `exit ${code}`}). Full log: ${logFile}\n--- last lines ---\n${tail}`,
        ),
      );
    });
  });
}

function npmEnv(extra) {
  return {
    ...process.env,
    // ~/.npmrc on some machines says yes=false; nothing here may stop to ask.
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

// node-gyp needs headers for the Node the addon will run in; without this it would download them
// (and ~/.npmrc's nodedir may point at another Node's headers).
function nodedirFor(nodeBin) {
  const prefix = path.resolve(path.dirname(nodeBin), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

async function checkRegistry(spec) {
  const r = spawnSync(
    'npm',
    ['view', `n8n@${spec.n8n}`, 'version', '--prefer-online', '--fetch-retries=0', '--fetch-timeout=20000'],
    { encoding: 'utf8', env: npmEnv(), timeout: 60000 },
  );
  if (r.error) throw r.error.code === 'ENOENT' ? new RuntimeError('npm is not on PATH.') : r.error;
  const text = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0 || r.signal) {
    if (NETWORK_ERROR.test(text) || r.signal) throw unreachable(text);
    throw new RuntimeError(`The npm registry does not serve n8n@${spec.n8n}: ${text.trim().split('\n').slice(-2).join(' | ')}`);
  }
  if (!r.stdout.includes(spec.n8n)) {
    throw new RuntimeError(`The npm registry does not list n8n@${spec.n8n} (got "${r.stdout.trim()}").`);
  }
}

async function install(line, finalDir) {
  const spec = LINES[line];
  const t0 = Date.now();
  await checkRegistry(spec);
  const tmp = `${finalDir}.partial-${process.pid}`;
  // Leftovers of interrupted installs: ones whose installer is gone (each takes ~2.5 GB).
  for (const e of safeList(path.dirname(finalDir))) {
    const m = /\.partial-(\d+)$/.exec(e);
    if (m && (Number(m[1]) === process.pid || !pidAlive(Number(m[1])))) {
      fs.rmSync(path.join(path.dirname(finalDir), e), { recursive: true, force: true });
    }
  }
  fs.mkdirSync(tmp, { recursive: true });
  const logFile = path.join(path.dirname(finalDir), `${path.basename(finalDir)}.install.log`);
  fs.writeFileSync(logFile, `install of n8n ${spec.n8n} started ${new Date().toISOString()}\n`);
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(templateDir(line), f);
    if (fs.existsSync(p)) fs.copyFileSync(p, path.join(tmp, f));
  }
  const d = describe(line, tmp);
  const timings = {};

  if (spec.node) {
    log(`Node ${spec.node} (${nodePackageName()} from the npm registry)...`);
    const nodeDir = path.join(tmp, 'node');
    fs.mkdirSync(nodeDir);
    fs.writeFileSync(
      path.join(nodeDir, 'package.json'),
      JSON.stringify({ name: 'n8n-runtime-node', private: true, dependencies: { [nodePackageName()]: spec.node } }, null, 2),
    );
    timings.node = await run(
      'node download',
      'npm',
      ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'],
      { cwd: nodeDir, env: npmEnv(), logFile },
    );
    if (!fs.existsSync(d.nodeBin)) throw new RuntimeError(`${nodePackageName()}@${spec.node} has no bin/node (unsupported platform?). Log: ${logFile}`);
    log(`  Node ready in ${fmt(timings.node)}`);
  }

  const nodedir = nodedirFor(d.nodeBin);
  const env = npmEnv({
    PATH: `${d.binDir}${path.delimiter}${process.env.PATH || ''}`,
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  });
  const nm = path.join(tmp, 'node_modules');

  const expected = expectedPackages(path.join(tmp, 'package-lock.json'));
  const what = expected ? `${expected.all.toLocaleString('en-US')} packages, ${expected.topLevel.toLocaleString('en-US')} of them at the top of node_modules` : 'its packages';
  log(`n8n ${spec.n8n}: downloading and unpacking ${what} (about 2 GB; 2-5 minutes on 2 cores, longer with a cold npm cache)...`);
  // Install scripts stay off: several optional integrations (Kafka, a browser agent) download
  // binaries from GitHub in them and fail offline, which makes npm roll back the whole tree.
  // n8n itself needs only sqlite3 built, which happens right after.
  timings.packages = await run(
    'n8n packages',
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn', '--fetch-retries=3'],
    {
      cwd: tmp,
      env,
      logFile,
      progress: () => `${countPackages(nm).toLocaleString('en-US')}${expected ? ` of ~${expected.topLevel.toLocaleString('en-US')}` : ''} top-level packages unpacked`,
    },
  );
  log(`  packages installed in ${fmt(timings.packages)}`);

  const toBuild = spec.native.filter((p) => fs.existsSync(path.join(nm, p, 'package.json')));
  log(`building native modules (${toBuild.join(', ')}; sqlite3 compiles from source when no prebuilt binary can be downloaded, which takes 8 to 12 minutes on 2 cores)...`);
  timings.native = await run(
    'native build',
    'npm',
    ['rebuild', ...toBuild, '--ignore-scripts=false', '--foreground-scripts', '--loglevel=warn'],
    { cwd: tmp, env, logFile },
  );
  log(`  native modules built in ${fmt(timings.native)}`);

  const v = spawnSync(d.nodeBin, [d.n8nBin, '--version'], {
    encoding: 'utf8',
    env: { ...env, N8N_USER_FOLDER: tmp, N8N_DIAGNOSTICS_ENABLED: 'false' },
    timeout: 120000,
  });
  const got = (v.stdout || '').trim().split('\n').pop();
  if (got !== spec.n8n) {
    throw new RuntimeError(`Installed n8n does not start: expected version ${spec.n8n}, got "${got}".\n${v.stderr}\nLog: ${logFile}`);
  }
  // A sqlite3 that failed to build only shows up when n8n opens its DB, so load it here.
  const sq = spawnSync(d.nodeBin, ['-e', "require('sqlite3')"], { cwd: tmp, encoding: 'utf8', env });
  if (sq.status !== 0) throw new RuntimeError(`sqlite3 did not build for Node ${d.nodeVersion}: ${sq.stderr}\nLog: ${logFile}`);

  timings.total = Date.now() - t0;
  fs.writeFileSync(
    path.join(tmp, 'runtime.json'),
    JSON.stringify(
      { key: path.basename(finalDir), line, n8n: spec.n8n, node: d.nodeVersion, installedAt: new Date().toISOString(), timingsMs: timings },
      null,
      2,
    ),
  );
  fs.rmSync(finalDir, { recursive: true, force: true });
  fs.renameSync(tmp, finalDir);
  log(`n8n ${spec.n8n} on Node ${d.nodeVersion} installed in ${fmt(timings.total)}: ${finalDir}`);
}

/** Installs line `line` unless an identical install exists; returns its description. */
async function ensureRuntime(line = 2) {
  line = String(line);
  const found = findRuntime(line);
  if (found) return found;
  const dir = path.join(storeRoot(), runtimeKey(line));
  try {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.accessSync(path.dirname(dir), fs.constants.W_OK);
  } catch {
    throw new RuntimeError(`Cannot write the runtime cache ${path.dirname(dir)}; set DIFY_SUITE_RUNTIME_CACHE=local to keep it inside the checkout.`);
  }
  log(`n8n ${LINES[line].n8n} is not installed yet; installing it once into ${dir}`);
  await withLock(`${dir}.lock`, async () => {
    if (isComplete(line, dir)) return; // someone else finished while we waited
    await install(line, dir);
  });
  linkIntoRepo(line, dir);
  return describe(line, dir);
}

function parseArgs(argv) {
  const opts = { _: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      opts.rest = argv.slice(i + 1);
      break;
    }
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) opts[m[1]] = m[2] === undefined ? true : m[2];
    else opts._.push(a);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cmd = opts._[0] || 'install';
  const lines = opts.line === 'all' ? Object.keys(LINES).sort().reverse() : [String(opts.line || 2)];
  if (cmd === 'install') {
    for (const l of lines) {
      const r = await ensureRuntime(l);
      log(`n8n ${r.n8nVersion} (Node ${r.nodeVersion}) ready: ${r.dir}`);
    }
  } else if (cmd === 'info') {
    const out = lines.map((l) => {
      const r = findRuntime(l);
      return r ? { line: r.line, n8n: r.n8nVersion, node: r.nodeVersion, dir: r.dir, nodeBin: r.nodeBin, n8nBin: r.n8nBin } : { line: l, installed: false };
    });
    console.log(JSON.stringify(out.length === 1 ? out[0] : out, null, 2));
  } else if (cmd === 'n8n') {
    const r = await ensureRuntime(lines[0]);
    const c = r.command(opts.rest);
    const child = spawn(c.file, c.args, { stdio: 'inherit', env: r.env() });
    for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
    child.on('close', (code, signal) => process.exit(code === null ? (signal === 'SIGINT' ? 130 : 1) : code));
  } else {
    console.error(`unknown command "${cmd}"; use install | info | n8n`);
    process.exit(2);
  }
}

module.exports = {
  expectedPackages,
  countPackages,
  ensureRuntime,
  findRuntime,
  LINES,
  RuntimeError,
  storeRoot,
};

if (require.main === module) {
  main().catch((e) => {
    console.error(`${PREFIX} ${e instanceof RuntimeError ? e.message : e.stack || e}`);
    process.exit(1);
  });
}
