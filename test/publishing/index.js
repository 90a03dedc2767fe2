'use strict';
/**
 * The publishing stand-ins (test fixtures): YouTube Data API v3 (resumable videos.insert) and upload-post's API over
 * HTTPS on port 443 with a certificate of a local CA, Telegram's Bot API over HTTP (n8n's Telegram credential has a
 * Base URL). Every upload that arrives is recorded ({platform, protocol, metadata, bytes, sha256, problems}).
 *
 * n8n's YouTube node (www.googleapis.com) and the upload-post community node (api.upload-post.com) have their hosts
 * written into their code and credentials, so n8n reaches these stand-ins from a network namespace of its own
 * (./netns.js): its own /etc/hosts sends those names to the host end of a veth pair, the namespace has no other route,
 * and n8n trusts the local CA through NODE_EXTRA_CA_CERTS. No traffic leaves the machine.
 */
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');
const { spawnSync } = require('child_process');

const { createYouTube } = require('./youtube');
const { createTelegram } = require('./telegram');
const { createUploadPost } = require('./upload-post');

/** The names the stand-ins answer for over HTTPS (the hosts n8n's nodes call). */
const HTTPS_HOSTS = {
	'www.googleapis.com': 'youtube',
	'oauth2.googleapis.com': 'youtube',
	'api.upload-post.com': 'upload-post',
};

function openssl(args, cwd) {
	const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
	if (result.error) throw new Error(`openssl is needed for the publishing stand-ins' CA: ${result.error.message}`);
	if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
}

/** A throw-away CA and one leaf certificate for HTTPS_HOSTS, made with the openssl CLI in `dir`. */
function makeCertificates(dir) {
	fs.mkdirSync(dir, { recursive: true });
	openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=n8n-nodes-sora publishing stand-ins CA',
		'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
	openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=www.googleapis.com'], dir);
	const ext = path.join(dir, 'leaf.ext');
	fs.writeFileSync(ext, `subjectAltName=${Object.keys(HTTPS_HOSTS).map((h) => `DNS:${h}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
	openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '2', '-extfile', ext], dir);
	return { ca: path.join(dir, 'ca.crt'), key: fs.readFileSync(path.join(dir, 'leaf.key')), cert: fs.readFileSync(path.join(dir, 'leaf.crt')) };
}

function listen(server, port, host) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server.address().port));
	});
}

/**
 * Starts the stand-ins on `host` (the host end of the namespace's veth pair, or 127.0.0.1): HTTPS on `httpsPort`
 * (443 for hosts-file redirection), Telegram over HTTP on a free port. Returns {received, caFile, telegramUrl, close}.
 */
async function startStandIns({ host = '127.0.0.1', httpsPort = 443, certDir, log = () => {} }) {
	const received = [];
	const record = (entry) => {
		received.push({ at: new Date().toISOString(), ...entry });
		log(`stand-in ${entry.platform} received ${entry.bytes ?? '?'} bytes (${entry.protocol})${entry.problems?.length ? `: ${entry.problems.join('; ')}` : ''}`);
	};
	const handlers = { youtube: createYouTube({ record }), telegram: createTelegram({ record }), 'upload-post': createUploadPost({ record }) };
	const dispatch = (platformOf) => (req, res) => {
		const url = new URL(req.url, 'http://stand-in');
		const platform = platformOf(req);
		const handler = handlers[platform];
		if (!handler) {
			res.writeHead(421, { 'content-type': 'text/plain' });
			return res.end(`no stand-in for host ${req.headers.host}`);
		}
		handler(req, res, url).catch((error) => {
			record({ platform, protocol: 'error', problems: [error.message] });
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	};
	const certs = makeCertificates(certDir);
	const secure = https.createServer({ key: certs.key, cert: certs.cert }, dispatch((req) => HTTPS_HOSTS[(req.headers.host || '').split(':')[0]]));
	const plain = http.createServer(dispatch(() => 'telegram'));
	const actualHttps = await listen(secure, httpsPort, host);
	const telegramPort = await listen(plain, 0, host);
	return {
		received,
		caFile: certs.ca,
		httpsPort: actualHttps,
		telegramUrl: `http://${host}:${telegramPort}`,
		close: () => Promise.all([secure, plain].map((s) => new Promise((resolve) => s.close(() => resolve())))),
	};
}

module.exports = { startStandIns, HTTPS_HOSTS };
