'use strict';
/**
 * Proves the engine harness (test/harness) runs a community package inside n8n-core's real engine.
 * Run: npx jest --rootDir . test/harness.test.js
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const harness = require('./harness');

const FIXTURE = path.join(__dirname, 'harness', 'fixtures', 'fake-package');
const MB = 1024 * 1024;

jest.setTimeout(60_000);

/** Deterministic pseudo-random chunk stream: chunk i = sha256-seeded bytes, so no 64 MB buffer exists. */
function chunkFor(i, size) {
	const out = Buffer.allocUnsafe(size);
	let seed = crypto.createHash('sha256').update(`chunk-${i}`).digest();
	for (let off = 0; off < size; off += seed.length) {
		seed.copy(out, off, 0, Math.min(seed.length, size - off));
		seed = crypto.createHash('sha256').update(seed).digest();
	}
	return out;
}

let server;
let baseUrl;
const seen = { requests: [], closedEarly: 0 };
let events = [];
const BIG_CHUNK = 1 * MB;
const BIG_CHUNKS = 64;
let bigSha;

beforeAll(async () => {
	// Expected digest of the 64 MB body, computed chunk by chunk.
	const h = crypto.createHash('sha256');
	for (let i = 0; i < BIG_CHUNKS; i++) h.update(chunkFor(i, BIG_CHUNK));
	bigSha = h.digest('hex');

	server = http.createServer((req, res) => {
		seen.requests.push({ url: req.url, headers: req.headers });
		const url = new URL(req.url, 'http://x');
		if (url.pathname === '/echo') {
			res.setHeader('content-type', 'application/json');
			return res.end(JSON.stringify({ headers: req.headers }));
		}
		if (url.pathname === '/video/small') {
			res.setHeader('content-type', 'video/mp4');
			res.setHeader('x-seen-authorization', req.headers.authorization ?? '');
			res.setHeader('x-seen-api-key', req.headers['x-api-key'] ?? '');
			return res.end(Buffer.from('small-mp4-bytes'));
		}
		if (url.pathname === '/video/big') {
			res.setHeader('content-type', 'video/mp4');
			res.setHeader('content-length', String(BIG_CHUNK * BIG_CHUNKS));
			res.setHeader('x-seen-authorization', req.headers.authorization ?? '');
			let i = 0;
			const pump = () => {
				while (i < BIG_CHUNKS) {
					const ok = res.write(chunkFor(i++, BIG_CHUNK));
					if (!ok) return res.once('drain', pump);
				}
				res.end();
			};
			return pump();
		}
		if (url.pathname === '/hang') {
			res.on('close', () => {
				if (!res.writableEnded) seen.closedEarly++;
			});
			res.writeHead(200, { 'content-type': 'video/mp4' });
			res.write('partial'); // then never finishes
			return undefined;
		}
		if (url.pathname === '/events') {
			res.setHeader('content-type', 'application/json');
			return res.end(JSON.stringify(events));
		}
		if (url.pathname === '/status/404') {
			res.statusCode = 404;
			res.setHeader('content-type', 'application/json');
			return res.end(JSON.stringify({ error: { message: 'No such video' } }));
		}
		res.statusCode = 500;
		return res.end('unexpected');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${server.address().port}`;
});

afterAll(async () => {
	server.closeAllConnections?.();
	await new Promise((resolve) => server.close(resolve));
});

const creds = () => ({ fakeApi: { apiKey: 'sk-test-123', baseUrl } });

describe('loadPackage', () => {
	test('loads nodes and credentials from package.json n8n section, named <package>.<node>', async () => {
		const pkg = await harness.loadPackage(FIXTURE);
		expect(pkg.name).toBe('n8n-nodes-fake');
		expect(Object.keys(pkg.nodeTypes).sort()).toEqual(['n8n-nodes-fake.fake', 'n8n-nodes-fake.fakeTrigger']);
		expect(Object.keys(pkg.credentialTypes).sort()).toEqual(['fakeApi', 'fakeFnApi']);
		// INodeTypes surface, versioned lookup, and the harness's own trigger
		expect(pkg.getByNameAndVersion('n8n-nodes-fake.fake', 1).description.name).toBe('fake');
		expect(pkg.getKnownTypes()).toHaveProperty([harness.INPUT_TRIGGER_TYPE]);
		// n8n adds "Poll Times" to polling nodes while loading
		const trigger = pkg.getByName('n8n-nodes-fake.fakeTrigger');
		expect(trigger.description.properties.map((p) => p.name)).toContain('pollTimes');
	});
});

describe('runNode: credentials', () => {
	test('applies the generic authenticate block (expressions in keys and values)', async () => {
		const pkg = await harness.loadPackage(FIXTURE);
		const { items, error, status } = await harness.runNode({
			pkg,
			nodeType: 'fake',
			parameters: { operation: 'echo', path: '/echo' },
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		expect(status).toBe('success');
		expect(items).toHaveLength(1);
		expect(items[0].json.headers.authorization).toBe('Bearer sk-test-123');
		expect(items[0].json.headers['x-fake-client']).toBe('harness'); // key came from credential default
	});

	test('applies a function-form authenticate', async () => {
		const { items, error } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'n8n-nodes-fake.fake',
			parameters: { authentication: 'function', operation: 'download', baseUrl, path: '/video/small' },
			credentials: { fakeFnApi: { apiKey: 'k2' } },
		});
		expect(error).toBeUndefined();
		expect(items[0].json.seenApiKey).toBe('fn:k2');
		expect(items[0].json.seenAuthorization).toBe('');
	});

	test('missing credentials surface as a node error', async () => {
		const { error, items } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'echo', path: '/echo' },
			credentials: {},
		});
		expect(items).toEqual([]);
		expect(error.message).toMatch(/credentials/i);
	});
});

describe('runNode: binary data', () => {
	test('stores a streamed download in the filesystem store (binary has an id)', async () => {
		const { items, error } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'download' },
			inputItems: [{ json: { id: 'small' } }],
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json.seenAuthorization).toBe('Bearer sk-test-123');
		const bin = items[0].binary.data;
		expect(bin.id).toMatch(/^filesystem(-v2)?:/);
		expect(bin.data).not.toMatch(/^[A-Za-z0-9+/=]{16,}$/); // not base64 content
		expect(bin).toMatchObject({ fileName: 'x.mp4', mimeType: 'video/mp4', bytes: 15 });
		expect((await harness.readBinary(bin)).toString()).toBe('small-mp4-bytes');
		const file = harness.binaryFilePath(bin);
		expect(file.startsWith(harness.paths.binaryDir)).toBe(true);
		expect(fs.statSync(file).size).toBe(15);
	});

	test('a 64 MB streamed body round-trips sha256-identical into the filesystem store', async () => {
		const { items, error } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'download' },
			inputItems: [{ json: { id: 'big' } }],
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		const bin = items[0].binary.data;
		// An id means n8n streamed the body to its store instead of keeping base64 in the item.
		// Peak memory is a benchmark figure (npm run bench), not a test assertion: it depends on GC timing.
		expect(bin.id).toBeTruthy();
		expect(bin.data).not.toMatch(/^[A-Za-z0-9+/]{1000}/);
		expect(bin.bytes).toBe(64 * MB);
		const { sha256, size } = await harness.sha256OfBinary(bin);
		expect(size).toBe(64 * MB);
		expect(sha256).toBe(bigSha);
	});

	test('input binaries are stored via prepareBinaryData and readable with getBinaryStream', async () => {
		const buffer = crypto.randomBytes(300_000);
		const tmpFile = path.join(harness.paths.tmpRoot, 'input.png');
		fs.writeFileSync(tmpFile, Buffer.from('file-input'));
		const { items, error } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'readBinary' },
			inputItems: [
				{ json: { n: 1 }, binary: { data: { buffer, fileName: 'ref.jpg', mimeType: 'image/jpeg' } } },
				{ json: { n: 2 }, binary: { data: { filePath: tmpFile, fileName: 'input.png', mimeType: 'image/png' } } },
			],
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		expect(items[0].json).toEqual({
			sha256: crypto.createHash('sha256').update(buffer).digest('hex'),
			size: buffer.length,
			hadId: true,
			fileName: 'ref.jpg',
			mimeType: 'image/jpeg',
		});
		expect(items[1].json).toMatchObject({ size: 10, hadId: true, fileName: 'input.png' });
		expect(items[0].binary.data.id).toBeTruthy();
	});

	test('assertBinaryData error for a missing field keeps itemIndex', async () => {
		const { error } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'readBinary', binaryPropertyName: 'nope' },
			inputItems: [{ json: {}, binary: { data: { text: 'x', fileName: 'a.txt', mimeType: 'text/plain' } } }],
			credentials: creds(),
		});
		expect(error.message).toMatch(/nope/);
		expect(error.itemIndex).toBe(0);
	});
});

describe('runNode: errors', () => {
	const input = [{ json: { id: 'small' } }, { json: { bad: true } }, { json: { id: 'small' } }];

	test('continueOnFail: failing item becomes an output item carrying `error`', async () => {
		const { items, error, status } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'download' },
			inputItems: input,
			credentials: creds(),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(status).toBe('success');
		expect(items).toHaveLength(3);
		expect(items[1].json.error).toBe('Item 1 is flagged bad');
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[0].binary.data.id).toBeTruthy();
		expect(items[2].binary.data.id).toBeTruthy();
	});

	test('without continueOnFail the run error keeps message, description and itemIndex', async () => {
		const { items, error, status } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'download' },
			inputItems: input,
			credentials: creds(),
		});
		expect(status).toBe('error');
		expect(items).toEqual([]);
		expect(error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Item 1 is flagged bad',
			description: 'Remove the "bad" flag from the input item',
			itemIndex: 1,
			node: 'Node Under Test',
		});
	});

	test('HTTP errors become NodeApiError with httpCode preserved', async () => {
		const { error } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'echo', path: '/status/404' },
			credentials: creds(),
		});
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('404');
		expect(error.itemIndex).toBe(0);
	});
});

describe('runNode: cancellation', () => {
	test('abortAfterMs cancels the execution and aborts the in-flight request', async () => {
		const before = seen.closedEarly;
		const t0 = Date.now();
		const { status, items } = await harness.runNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'echo', path: '/hang' },
			credentials: creds(),
			abortAfterMs: 300,
		});
		expect(status).toBe('canceled');
		expect(items).toEqual([]);
		expect(Date.now() - t0).toBeLessThan(8000);
		await new Promise((r) => setTimeout(r, 100));
		expect(seen.closedEarly).toBe(before + 1);
	});

	test('startNode().cancel() cancels from the outside', async () => {
		const handle = harness.startNode({
			pkg: FIXTURE,
			nodeType: 'fake',
			parameters: { operation: 'download', path: '/hang' },
			credentials: creds(),
		});
		setTimeout(() => void handle.cancel(), 200);
		const { status } = await handle.promise;
		expect(status).toBe('canceled');
	});
});

describe('runPoll', () => {
	test('keeps static data between polls, also across a JSON reload', async () => {
		events = [{ id: 1 }, { id: 2 }];
		let staticData = {};
		const opts = () => ({ pkg: FIXTURE, nodeType: 'fakeTrigger', credentials: creds(), staticData });

		const first = await harness.runPoll(opts());
		expect(first).toHaveLength(1);
		expect(first[0].map((i) => i.json.id)).toEqual([1, 2]);
		expect(staticData['node:Poll Trigger']).toEqual({ lastId: 2, polls: 1 });

		expect(await harness.runPoll(opts())).toBeNull();
		expect(staticData['node:Poll Trigger']).toEqual({ lastId: 2, polls: 2 });

		staticData = JSON.parse(JSON.stringify(staticData)); // simulate n8n reloading the workflow
		events.push({ id: 3 });
		const third = await harness.runPoll(opts());
		expect(third[0].map((i) => i.json.id)).toEqual([3]);
		expect(staticData['node:Poll Trigger'].lastId).toBe(3);

		const pollReq = seen.requests.filter((r) => r.url === '/events').at(-1);
		expect(pollReq.headers.authorization).toBe('Bearer sk-test-123');
	});

	test('binary created inside poll() lands in the filesystem store', async () => {
		events = [{ id: 7 }];
		const [[item]] = await harness.runPoll({
			pkg: FIXTURE,
			nodeType: 'fakeTrigger',
			parameters: { downloadPath: '/video/small' },
			credentials: creds(),
			staticData: {},
		});
		expect(item.json.id).toBe(7);
		expect(item.binary.data).toMatchObject({ fileName: '7.mp4', mimeType: 'video/mp4', bytes: 15 });
		expect(item.binary.data.id).toMatch(/^filesystem(-v2)?:workflows\/harness-poll-wf\/executions\//);
		expect((await harness.readBinary(item.binary.data)).toString()).toBe('small-mp4-bytes');
	});

	test('poll errors reject runPoll with the node error', async () => {
		await expect(
			harness.runPoll({
				pkg: FIXTURE,
				nodeType: 'fakeTrigger',
				parameters: { path: '/status/404' },
				credentials: creds(),
				staticData: {},
			}),
		).rejects.toMatchObject({ name: 'NodeApiError', httpCode: '404' });
	});

	test('manual mode returns the newest item regardless of state', async () => {
		events = [{ id: 1 }, { id: 2 }, { id: 3 }];
		const staticData = { 'node:Poll Trigger': { lastId: 3 } };
		const res = await harness.runPoll({
			pkg: FIXTURE,
			nodeType: 'fakeTrigger',
			credentials: creds(),
			staticData,
			mode: 'manual',
		});
		expect(res[0].map((i) => i.json.id)).toEqual([3]);
	});
});
