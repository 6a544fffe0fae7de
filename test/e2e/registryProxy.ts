/**
 * A stand-in for registry.npmjs.org, reached the way n8n and npm reach the real one from behind a
 * corporate proxy: an HTTP proxy (HTTPS_PROXY) that answers `CONNECT registry.npmjs.org:443` by
 * terminating TLS itself, with a certificate for registry.npmjs.org issued by a throwaway CA that the
 * test hands to n8n and npm (NODE_EXTRA_CA_CERTS, npm's cafile). Behind it, a minimal npm registry
 * that knows one package, this checkout's packed tarball, with the same packument, version manifest,
 * shasum and integrity the real registry would give it. Every other host is refused and every other
 * path answers 404, so an install that needs anything else fails here instead of reaching the network.
 * Test-only; Node built-ins and the openssl CLI.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import http from 'http';
import type { AddressInfo, Socket } from 'net';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import tls from 'tls';

export const REGISTRY_HOST = 'registry.npmjs.org';

export interface ProxyLogEntry {
	/** `CONNECT` for a tunnel request, else the HTTP method of a request inside the tunnel (or a plain proxied one). */
	method: string;
	host: string;
	/** The path asked for inside the tunnel, or the CONNECT target. */
	path: string;
	status: number;
	userAgent?: string;
}

export interface RegistryProxy {
	/** http://127.0.0.1:<port>, for HTTPS_PROXY. */
	url: string;
	/** The throwaway CA's certificate (PEM file). */
	caFile: string;
	packageName: string;
	version: string;
	tarballUrl: string;
	integrity: string;
	log: ProxyLogEntry[];
	/**
	 * What a process behind this proxy needs: the proxy for n8n's own requests and npm's, the CA for
	 * Node (n8n) and for npm, and an npm cache of its own so nothing comes from an earlier run's cache.
	 */
	env(npmCache: string): Record<string, string>;
	close(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
	const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
	if (r.error) throw new Error(`openssl is needed for the registry stand-in's certificate: ${r.error.message}`);
	if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

/** A CA valid for a day and a certificate for registry.npmjs.org signed by it, in `dir`. */
function makeCertificates(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
	const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
	openssl(
		['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=dify-suite e2e throwaway CA',
			'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
		dir,
	);
	openssl(['req', ...ec, '-keyout', 'registry.key', '-out', 'registry.csr', '-subj', `/CN=${REGISTRY_HOST}`], dir);
	writeFileSync(
		join(dir, 'registry.ext'),
		`basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${REGISTRY_HOST}\n`,
	);
	openssl(
		['x509', '-req', '-in', 'registry.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'registry.crt', '-days', '1', '-extfile', 'registry.ext'],
		dir,
	);
	return { caFile: join(dir, 'ca.crt'), key: readFileSync(join(dir, 'registry.key')), cert: readFileSync(join(dir, 'registry.crt')) };
}

/** The package.json inside the tarball: what the registry publishes as the version's manifest. */
function manifestOf(tgz: string): Record<string, unknown> {
	const r = spawnSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`could not read package.json from ${tgz}: ${r.stderr}`);
	return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Starts the proxy on 127.0.0.1 serving `tgz` (an `npm pack` output) as its only package. */
export async function startRegistryProxy(tgz: string): Promise<RegistryProxy> {
	const dir = mkdtempSync(join(tmpdir(), 'dify-e2e-registry-'));
	const { caFile, key, cert } = makeCertificates(dir);
	const tarball = readFileSync(tgz);
	const manifest = manifestOf(tgz);
	const name = String(manifest.name);
	const version = String(manifest.version);
	const tarballPath = `/${name}/-/${basename(name)}-${version}.tgz`;
	const tarballUrl = `https://${REGISTRY_HOST}${tarballPath}`;
	const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
	const versionDoc = {
		...manifest,
		_id: `${name}@${version}`,
		dist: { tarball: tarballUrl, shasum: createHash('sha1').update(tarball).digest('hex'), integrity },
	};
	const published = new Date().toISOString();
	const packument = {
		_id: name,
		name,
		'dist-tags': { latest: version },
		versions: { [version]: versionDoc },
		time: { created: published, modified: published, [version]: published },
	};
	const log: ProxyLogEntry[] = [];
	const sockets = new Set<Socket>();

	const registry = http.createServer((req, res) => {
		const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
		const send = (status: number, body: unknown, type = 'application/json') => {
			log.push({ method: req.method ?? '', host: REGISTRY_HOST, path, status, userAgent: req.headers['user-agent'] });
			const data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
			res.writeHead(status, { 'content-type': type, 'content-length': data.length });
			res.end(req.method === 'HEAD' ? undefined : data);
		};
		if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method not allowed' });
		if (path === `/${name}`) return send(200, packument);
		if (path === `/${name}/${version}` || path === `/${name}/latest`) return send(200, versionDoc);
		if (path === tarballPath) return send(200, tarball, 'application/octet-stream');
		return send(404, { error: 'Not found' });
	});
	const secureContext = tls.createSecureContext({ key, cert });

	const proxy = http.createServer((req, res) => {
		// A plain-HTTP proxied request (http://host/...): nothing in this test should make one.
		let host = '';
		try {
			host = new URL(req.url ?? '').host;
		} catch {
			/* not an absolute URL */
		}
		log.push({ method: req.method ?? '', host, path: req.url ?? '', status: 403, userAgent: req.headers['user-agent'] });
		res.writeHead(403, { 'content-type': 'text/plain' });
		res.end('refused by the e2e registry stand-in\n');
	});
	proxy.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
		const target = req.url ?? '';
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		if (target !== `${REGISTRY_HOST}:443`) {
			log.push({ method: 'CONNECT', host: target.replace(/:\d+$/, ''), path: target, status: 403, userAgent: req.headers['user-agent'] });
			socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
			return;
		}
		log.push({ method: 'CONNECT', host: REGISTRY_HOST, path: target, status: 200, userAgent: req.headers['user-agent'] });
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		if (head.length) socket.unshift(head);
		const secure = new tls.TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
		secure.on('error', () => secure.destroy());
		registry.emit('connection', secure);
	});

	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	return {
		url,
		caFile,
		packageName: name,
		version,
		tarballUrl,
		integrity,
		log,
		env: (npmCache) => ({
			HTTPS_PROXY: url,
			HTTP_PROXY: url,
			// n8n (Node) trusts the CA through this; npm too, but npm's own settings win over it when a
			// user's .npmrc sets a proxy or CA, so npm gets them explicitly as well (env beats .npmrc).
			NODE_EXTRA_CA_CERTS: caFile,
			npm_config_cafile: caFile,
			npm_config_https_proxy: url,
			npm_config_proxy: url,
			npm_config_cache: npmCache,
			npm_config_update_notifier: 'false',
		}),
		close: async () => {
			for (const s of sockets) s.destroy();
			proxy.closeAllConnections();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
