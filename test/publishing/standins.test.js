'use strict';
/**
 * The publishing stand-ins refuse what the real APIs refuse and record exactly what arrived, so an e2e row that
 * passes means the node sent the right protocol, metadata and bytes (a stand-in that accepted anything would prove
 * nothing).
 */
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');

const { startStandIns } = require('.');
const { ACCESS_TOKEN } = require('./youtube');
const { BOT_TOKEN } = require('./telegram');
const { API_KEY } = require('./upload-post');

const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), crypto.randomBytes(300_000)]);
const SHA = crypto.createHash('sha256').update(MP4).digest('hex');

let standIns;
let ca;
let certDir;

beforeAll(async () => {
	certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'standins-'));
	standIns = await startStandIns({ host: '127.0.0.1', httpsPort: 0, certDir });
	ca = fs.readFileSync(standIns.caFile);
});

afterAll(async () => {
	await standIns.close();
	fs.rmSync(certDir, { recursive: true, force: true });
});

/** A request to the HTTPS stand-in as `host` (the certificate is checked against that name and the local CA). */
function secure(host, { method = 'GET', url, headers = {}, body }) {
	return new Promise((resolve, reject) => {
		const req = https.request({ host: '127.0.0.1', port: standIns.httpsPort, servername: host, method, path: url, ca, headers: { host, ...headers } }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

function plain(url, { method = 'POST', headers = {}, body }) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

function multipart(fields, file) {
	const boundary = `----standin${crypto.randomBytes(6).toString('hex')}`;
	const parts = [];
	for (const [name, value] of fields) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	if (file) {
		parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\ncontent-type: video/mp4\r\n\r\n`), file.data, Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

const last = () => standIns.received[standIns.received.length - 1];

describe('YouTube videos.insert (resumable)', () => {
	const start = (resource, headers = {}) =>
		secure('www.googleapis.com', {
			method: 'POST',
			url: '/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status',
			headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json', 'x-upload-content-length': String(MP4.length), 'x-upload-content-type': 'video/mp4', ...headers },
			body: JSON.stringify(resource),
		});

	test('chunks in order: 308 until the last, then 201 and the sha256 of the whole file', async () => {
		const session = await start({ snippet: { title: 'A boat #Shorts', categoryId: '22' }, status: { privacyStatus: 'private' } });
		expect(session.status).toBe(200);
		const location = new URL(session.headers.location);
		expect(location.hostname).toBe('www.googleapis.com');
		const put = (from, to) =>
			secure('www.googleapis.com', { method: 'PUT', url: location.pathname + location.search, headers: { 'content-range': `bytes ${from}-${to - 1}/${MP4.length}` }, body: MP4.subarray(from, to) });
		const first = await put(0, 100_000);
		expect(first.status).toBe(308);
		expect(first.headers.range).toBe('bytes=0-99999');
		const done = await put(100_000, MP4.length);
		expect(done.status).toBe(201);
		expect(JSON.parse(done.text).id).toBe(last().videoId);
		expect(last()).toMatchObject({ platform: 'youtube', bytes: MP4.length, sha256: SHA, problems: [] });
		expect(last().metadata.snippet.title).toBe('A boat #Shorts');
	});

	test('refuses a missing title, a title over 100 characters and a wrong token', async () => {
		expect((await start({ snippet: { categoryId: '22' } })).status).toBe(400);
		expect((await start({ snippet: { title: 'x'.repeat(101) } })).status).toBe(400);
		expect((await start({ snippet: { title: 'ok' } }, { authorization: 'Bearer wrong' })).status).toBe(401);
	});

	test('refuses a chunk that skips bytes', async () => {
		const session = await start({ snippet: { title: 'gap' } });
		const location = new URL(session.headers.location);
		const answer = await secure('www.googleapis.com', { method: 'PUT', url: location.pathname + location.search, headers: { 'content-range': `bytes 10-19/${MP4.length}` }, body: MP4.subarray(10, 20) });
		expect(answer.status).toBe(400);
		expect(last().problems.join()).toMatch(/expected 0/);
	});
});

describe('Telegram sendVideo', () => {
	const url = (token = BOT_TOKEN) => `${standIns.telegramUrl}/bot${token}/sendVideo`;

	test('multipart with chat_id and video: the sent message, the sha256 recorded', async () => {
		const form = multipart([['chat_id', '@chan'], ['caption', 'hi']], { name: 'video', fileName: 'v.mp4', data: MP4 });
		const answer = await plain(url(), { headers: { 'content-type': form.type }, body: form.body });
		expect(answer.json.ok).toBe(true);
		expect(answer.json.result.video.file_id).toBe(last().videoId);
		expect(last()).toMatchObject({ platform: 'telegram', sha256: SHA, fileName: 'v.mp4', mimeType: 'video/mp4' });
	});

	test('refuses JSON instead of multipart, a missing chat_id and a wrong token', async () => {
		expect((await plain(url(), { headers: { 'content-type': 'application/json' }, body: '{}' })).json.error_code).toBe(400);
		const form = multipart([], { name: 'video', fileName: 'v.mp4', data: MP4 });
		expect((await plain(url(), { headers: { 'content-type': form.type }, body: form.body })).json.description).toMatch(/chat_id/);
		expect((await plain(url('1:wrong'), { headers: { 'content-type': form.type }, body: form.body })).status).toBe(401);
	});
});

describe('upload-post /api/upload', () => {
	const upload = (fields, file, key = API_KEY) => {
		const form = multipart(fields, file);
		return secure('api.upload-post.com', { method: 'POST', url: '/api/upload', headers: { authorization: `Apikey ${key}`, 'content-type': form.type }, body: form.body });
	};
	const video = { name: 'video', fileName: 'v.mp4', data: MP4 };

	test('one upload to several platforms: each platform answered, the sha256 recorded', async () => {
		const answer = await upload([['user', 'brand'], ['title', 't'], ['platform[]', 'tiktok'], ['platform[]', 'instagram']], video);
		expect(answer.status).toBe(200);
		expect(Object.keys(JSON.parse(answer.text).results)).toEqual(['tiktok', 'instagram']);
		expect(last()).toMatchObject({ platform: 'upload-post', sha256: SHA, problems: [] });
		expect(last().metadata.platforms).toEqual(['tiktok', 'instagram']);
	});

	test('refuses a platform without videos, a missing user and a wrong key', async () => {
		expect((await upload([['user', 'brand'], ['title', 't'], ['platform[]', 'reddit']], video)).status).toBe(400);
		expect((await upload([['title', 't'], ['platform[]', 'tiktok']], video)).status).toBe(400);
		expect((await upload([['user', 'brand'], ['title', 't'], ['platform[]', 'tiktok']], video, 'wrong')).status).toBe(401);
	});

	test('a certificate for a name the stand-ins do not serve is refused by the TLS check', async () => {
		await expect(secure('example.com', { url: '/' })).rejects.toThrow(/altnames|Hostname/i);
	});
});
