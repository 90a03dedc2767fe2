'use strict';
 
// Tests for the local Sora 2 Videos API emulator (test/emulator). Run: npx jest test/emulator.test.js --rootDir .

const zlib = require('node:zlib');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const crypto = require('node:crypto');
const { spawn, execFile } = require('node:child_process');
const { request, FormData } = require('undici');
const { startEmulator, MODERATION_WORD } = require('./emulator');
const { progressOf } = require('./emulator/jobs');

jest.setTimeout(60000);

const FFMPEG = require('@ffmpeg-installer/ffmpeg').path;
const JOB_MS = 300;

// ---------------------------------------------------------------- helpers

let emu;

async function call(method, p, { json, form, headers = {}, raw = false } = {}) {
  const opts = { method, headers: { ...headers } };
  if (json !== undefined) {
    opts.body = typeof json === 'string' ? json : JSON.stringify(json);
    opts.headers['content-type'] = 'application/json';
  } else if (form) {
    opts.body = form;
  }
  const url = p.startsWith('http') ? p : emu.baseUrl + p;
  const res = await request(url, opts);
  const buf = Buffer.from(await res.body.arrayBuffer());
  const out = { status: res.statusCode, headers: res.headers, buffer: buf, text: buf.toString('utf8') };
  if (!raw && String(res.headers['content-type'] || '').includes('json')) {
    try { out.json = JSON.parse(out.text); } catch { out.json = undefined; }
  }
  return out;
}
const admin = (method, p, opts) => call(method, emu.origin + p, opts);

async function create(body, headers) {
  const r = await call('POST', '/videos', { json: body, headers });
  if (r.status !== 200) throw new Error(`create failed ${r.status} ${r.text}`);
  return r.json;
}

async function waitDone(id, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const r = await call('GET', `/videos/${id}`);
    if (r.status !== 200) throw new Error(`retrieve ${id}: ${r.status} ${r.text}`);
    if (r.json.status === 'completed' || r.json.status === 'failed') return r.json;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timeout waiting for ${id}: ${r.text}`);
    await sleep(60);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function expectApiError(r, status, code, msgPart) {
  expect(r.status).toBe(status);
  expect(r.json).toBeDefined();
  expect(Object.keys(r.json)).toEqual(['error']);
  expect(r.json.error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
  expect(r.json.error).toHaveProperty('param');
  expect(r.json.error).toHaveProperty('code');
  if (code !== undefined) expect(r.json.error.code).toBe(code);
  if (msgPart) expect(r.json.error.message).toContain(msgPart);
}

// CRC32 + PNG builder (solid colour RGB)
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function makePng(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const row = Buffer.alloc(1 + w * 3, 0x40); row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function ffprobe(file) {
  return new Promise((resolve) => {
    execFile(FFMPEG, ['-hide_banner', '-i', file, '-f', 'null', '-'], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ ok: !err, stderr: String(stderr) });
    });
  });
}

function tmpFile(name, buf) {
  const p = path.join(os.tmpdir(), `sora-emu-test-${process.pid}-${name}`);
  fs.writeFileSync(p, buf);
  return p;
}

async function completedVideo(body = {}) {
  const v = await create({ prompt: 'a calico cat playing a piano', ...body });
  const done = await waitDone(v.id);
  expect(done.status).toBe('completed');
  return done;
}

let mp4_4s; // an MP4 the emulator generated, 4 s, 720x1280
let baseVideo; // a completed 4 s 720x1280 job

beforeAll(async () => {
  // The shared test pattern (no captions): one render per size and length keeps these tests fast; the captions
  // have their own tests below.
  emu = await startEmulator({ port: 0, jobMs: JOB_MS, pollAfterMs: 250, captions: false });
  baseVideo = await completedVideo();
  const r = await call('GET', `/videos/${baseVideo.id}/content`, { raw: true });
  expect(r.status).toBe(200);
  mp4_4s = r.buffer;
});

afterAll(async () => {
  if (emu) await emu.close();
});

/** Runs fn with the global `emu` swapped for a fresh emulator (for tests that need an empty job list). */
async function withFreshEmulator(opts, fn) {
  const prev = emu;
  emu = await startEmulator({ port: 0, jobMs: JOB_MS, ...opts });
  try { await fn(); } finally { await emu.close(); emu = prev; }
}

afterEach(() => {
  emu.setConfig({ faults: {}, apiKey: null, maxRunning: Infinity, jobMs: JOB_MS, queuedMs: 0, assetTtlSeconds: 86400, acceptUnknownFields: false, padVideoBytes: 0, mediaMode: 'eager' });
});

// ---------------------------------------------------------------- create + lifecycle

describe('create and lifecycle', () => {
  test('JSON create returns a queued Video object with every spec field and a poll hint', async () => {
    const r = await call('POST', '/videos', { json: { prompt: 'A calico cat playing a piano on stage', model: 'sora-2', seconds: '4', size: '1280x720' } });
    expect(r.status).toBe(200);
    expect(r.headers['openai-poll-after-ms']).toBe('250');
    const v = r.json;
    expect(Object.keys(v).sort()).toEqual(['completed_at', 'created_at', 'error', 'expires_at', 'id', 'model', 'object', 'progress', 'prompt', 'remixed_from_video_id', 'seconds', 'size', 'status'].sort());
    expect(v).toMatchObject({ object: 'video', model: 'sora-2', status: 'queued', progress: 0, size: '1280x720', seconds: '4', completed_at: null, expires_at: null, remixed_from_video_id: null, error: null, prompt: 'A calico cat playing a piano on stage' });
    expect(v.id).toMatch(/^video_[0-9a-f]+$/);
    expect(Math.abs(v.created_at - Date.now() / 1000)).toBeLessThan(5);
  });

  test('defaults: sora-2, 4 s, 720x1280', async () => {
    const v = await create({ prompt: 'defaults' });
    expect(v).toMatchObject({ model: 'sora-2', seconds: '4', size: '720x1280' });
  });

  test('progress advances while in_progress, then completed with timestamps', async () => {
    emu.setConfig({ jobMs: 1000 });
    const v = await create({ prompt: 'progress' });
    const seen = [];
    for (;;) {
      const r = await call('GET', `/videos/${v.id}`);
      seen.push(r.json);
      if (r.json.status === 'completed') break;
      await sleep(100);
    }
    const inProg = seen.filter((x) => x.status === 'in_progress');
    expect(inProg.length).toBeGreaterThan(2);
    for (let i = 1; i < inProg.length; i++) expect(inProg[i].progress).toBeGreaterThanOrEqual(inProg[i - 1].progress);
    expect(inProg.some((x) => x.progress > 0 && x.progress < 100)).toBe(true);
    const done = seen[seen.length - 1];
    expect(done.progress).toBe(100);
    expect(Number.isInteger(done.completed_at)).toBe(true);
    expect(done.expires_at).toBe(done.completed_at + 86400);
  });

  test('multipart create with a PNG input_reference of the right size; wrong size is rejected', async () => {
    const form = new FormData();
    form.append('prompt', 'first frame from image');
    form.append('model', 'sora-2');
    form.append('seconds', '4');
    form.append('size', '720x1280');
    form.append('input_reference', new Blob([makePng(720, 1280)], { type: 'image/png' }), 'ref.png');
    const ok = await call('POST', '/videos', { form });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('queued');

    const bad = new FormData();
    bad.append('prompt', 'wrong size');
    bad.append('size', '720x1280');
    bad.append('input_reference', new Blob([makePng(64, 64)], { type: 'image/png' }), 'ref.png');
    const r = await call('POST', '/videos', { form: bad });
    expectApiError(r, 400, undefined, 'Inpaint image must match the requested width and height');
    expect(r.json.error.type).toBe('invalid_request_error');
    expect(r.json.error.param).toBe('input_reference');

    const notImage = new FormData();
    notImage.append('prompt', 'text file');
    notImage.append('input_reference', new Blob([Buffer.from('hello world, not an image')], { type: 'text/plain' }), 'x.txt');
    expectApiError(await call('POST', '/videos', { form: notImage }), 400, 'invalid_image_format');
  });

  test('JSON input_reference: data URL checked, https accepted, exactly one of image_url/file_id', async () => {
    const good = 'data:image/png;base64,' + makePng(1280, 720).toString('base64');
    const r1 = await call('POST', '/videos', { json: { prompt: 'x', size: '1280x720', input_reference: { image_url: good } } });
    expect(r1.status).toBe(200);
    const r2 = await call('POST', '/videos', { json: { prompt: 'x', size: '720x1280', input_reference: { image_url: good } } });
    expectApiError(r2, 400, undefined, 'Inpaint image must match');
    const r3 = await call('POST', '/videos', { json: { prompt: 'x', input_reference: { image_url: 'https://example.com/a.png' } } });
    expect(r3.status).toBe(200);
    const r4 = await call('POST', '/videos', { json: { prompt: 'x', input_reference: { file_id: 'file-123' } } });
    expect(r4.status).toBe(200);
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', input_reference: { image_url: 'https://e.com/a.png', file_id: 'file-1' } } }), 400, 'invalid_value');
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', input_reference: {} } }), 400, 'invalid_value');
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', input_reference: { image_url: 'ftp://e.com/a.png' } } }), 400, 'invalid_value');
  });
});

describe('validation errors use the OpenAI envelope', () => {
  test('numeric seconds', async () => {
    const r = await call('POST', '/videos', { json: { prompt: 'x', seconds: 8 } });
    expectApiError(r, 400, 'invalid_type', "Invalid type for 'seconds': expected one of");
    expect(r.json.error.message).toContain('but got an integer instead.');
    expect(r.json.error).toEqual({ message: expect.any(String), type: 'invalid_request_error', param: 'seconds', code: 'invalid_type' });
  });
  test('seconds outside the enum; 16 and 20 accepted', async () => {
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', seconds: '5' } }), 400, 'invalid_value');
    emu.setConfig({ mediaMode: 'lazy' });
    expect((await create({ prompt: 'x', seconds: '20' })).seconds).toBe('20');
    expect((await create({ prompt: 'x', seconds: '16' })).seconds).toBe('16');
  });
  test('pro-only size on sora-2 is rejected, allowed on sora-2-pro and on unknown (gateway) models', async () => {
    emu.setConfig({ mediaMode: 'lazy' });
    const r = await call('POST', '/videos', { json: { prompt: 'x', model: 'sora-2', size: '1792x1024' } });
    expectApiError(r, 400, 'invalid_value');
    expect(r.json.error.param).toBe('size');
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', model: 'sora-2-2025-12-08', size: '1080x1920' } }), 400, 'invalid_value');
    expect((await create({ prompt: 'x', model: 'sora-2-pro', size: '1792x1024' })).size).toBe('1792x1024');
    expect((await create({ prompt: 'x', model: 'sora-2-pro-2025-10-06', size: '1920x1080' })).size).toBe('1920x1080');
    expect((await create({ prompt: 'x', model: 'veo-3.1-fast', size: '1080x1920' })).model).toBe('veo-3.1-fast');
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', model: 'sora-2-pro', size: '640x480' } }), 400, 'invalid_value');
  });
  test('more than 2 characters', async () => {
    const r = await call('POST', '/videos', { json: { prompt: 'x', characters: [{ id: 'char_1' }, { id: 'char_2' }, { id: 'char_3' }] } });
    expectApiError(r, 400, 'array_above_max_length');
    expect(r.json.error.param).toBe('characters');
  });
  test('unknown character id', async () => {
    expectApiError(await call('POST', '/videos', { json: { prompt: 'x', characters: [{ id: 'char_nope' }] } }), 400, 'character_not_found');
  });
  test('unknown parameter, unless acceptUnknownFields (gateway mode)', async () => {
    const r = await call('POST', '/videos', { json: { prompt: 'x', seed: 42 } });
    expectApiError(r, 400, 'unknown_parameter', "Unknown parameter: 'seed'.");
    expect(r.json.error.param).toBe('seed');
    emu.setConfig({ acceptUnknownFields: true });
    expect((await call('POST', '/videos', { json: { prompt: 'x', seed: 42, generate_audio: true } })).status).toBe(200);
  });
  test('empty, missing, too long and non-string prompt; invalid JSON', async () => {
    expectApiError(await call('POST', '/videos', { json: { prompt: '' } }), 400, 'string_below_min_length');
    expectApiError(await call('POST', '/videos', { json: {} }), 400, 'missing_required_parameter');
    expectApiError(await call('POST', '/videos', { json: { prompt: 'a'.repeat(32001) } }), 400, 'string_above_max_length');
    expectApiError(await call('POST', '/videos', { json: { prompt: 5 } }), 400, 'invalid_type');
    expectApiError(await call('POST', '/videos', { json: '{"prompt": "x"' }), 400);
    expect((await call('POST', '/videos', { json: { prompt: 'a'.repeat(32000) } })).status).toBe(200);
  });
  test('unknown ids and routes → 404 envelope', async () => {
    expectApiError(await call('GET', '/videos/video_doesnotexist'), 404, 'video_not_found');
    expectApiError(await call('GET', '/videos/video_doesnotexist/content'), 404);
    expectApiError(await call('GET', '/videos/characters/char_none'), 404);
    expectApiError(await call('GET', '/nothing-here'), 404);
  });
});

// ---------------------------------------------------------------- list / delete

describe('list and delete', () => {
  test('cursor pagination in both orders with has_more', () => withFreshEmulator({ mediaMode: 'lazy' }, async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ prompt: `list ${i}` })).id);

    const walk = async (order) => {
      const seen = [];
      let after;
      let pages = 0;
      for (;;) {
        const q = new URLSearchParams({ limit: '2', order });
        if (after) q.set('after', after);
        const r = await call('GET', `/videos?${q}`);
        expect(r.status).toBe(200);
        expect(r.json.object).toBe('list');
        pages++;
        const { data, first_id, last_id, has_more } = r.json;
        expect(data.length).toBeLessThanOrEqual(2);
        expect(first_id).toBe(data[0].id);
        expect(last_id).toBe(data[data.length - 1].id);
        seen.push(...data.map((d) => d.id));
        if (!has_more) break;
        after = last_id;
      }
      expect(pages).toBe(3);
      return seen;
    };
    expect(await walk('desc')).toEqual([...ids].reverse());
    expect(await walk('asc')).toEqual(ids);

    const def = await call('GET', '/videos');
    expect(def.json.data.map((d) => d.id)).toEqual([...ids].reverse()); // default desc, limit 20
    expect(def.json.has_more).toBe(false);
    const empty = await call('GET', `/videos?after=${ids[0]}`);
    expect(empty.json).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
    expectApiError(await call('GET', '/videos?limit=101'), 400);
    expectApiError(await call('GET', '/videos?order=sideways'), 400, 'invalid_value');
  }));

  test('delete only completed/failed videos', async () => {
    emu.setConfig({ jobMs: 5000, mediaMode: 'lazy' });
    const running = await create({ prompt: 'still running' });
    expectApiError(await call('DELETE', `/videos/${running.id}`), 400);
    emu.setConfig({ jobMs: JOB_MS });
    const done = await completedVideo();
    const r = await call('DELETE', `/videos/${done.id}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: done.id, object: 'video.deleted', deleted: true });
    expectApiError(await call('GET', `/videos/${done.id}`), 404);
    expectApiError(await call('DELETE', `/videos/${done.id}`), 404);
  });
});

describe('job list behaviours', () => {
  const ids = (r) => r.json.data.map((d) => d.id);

  test('same-second ties are ordered by (created_at, id); with shuffleIds a later job can sort either side; a deleted cursor still works', () => withFreshEmulator({ mediaMode: 'lazy', shuffleIds: true, jobMs: 0 }, async () => {
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await create({ prompt: `tie ${i}` }));
    expect(made.every((v) => /^video_[0-9a-f]{32}$/.test(v.id))).toBe(true);
    const expected = [...made].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1)).map((v) => v.id).reverse();
    const all = await call('GET', '/videos?limit=100');
    expect(ids(all)).toEqual(expected);
    expect(ids(all)).not.toEqual(made.map((v) => v.id).reverse()); // not creation order (1 in 12! by chance)
    // Pages of 5 by cursor give the same order, also after the cursor's own job is deleted.
    const page1 = await call('GET', '/videos?limit=5');
    await waitDone(page1.json.last_id);
    expect((await call('DELETE', `/videos/${page1.json.last_id}`)).status).toBe(200);
    const page2 = await call('GET', `/videos?limit=5&after=${page1.json.last_id}`);
    expect(ids(page2)).toEqual(expected.slice(5, 10));
  }));

  test('listLagMs (constant or per job), ignoreCursor, omitCreatedAt, clockSkewS and statusWords', () => withFreshEmulator({ mediaMode: 'lazy', jobMs: 60_000 }, async () => {
    emu.setConfig({ listLagMs: 400 });
    const late = await create({ prompt: 'late' });
    expect((await call('GET', `/videos/${late.id}`)).status).toBe(200); // retrieve finds it at once
    expect(ids(await call('GET', '/videos'))).toEqual([]);
    await sleep(450);
    expect(ids(await call('GET', '/videos'))).toEqual([late.id]);
    emu.setConfig({ listLagMs: (video) => (video.prompt === 'slow' ? 600 : 0) });
    const slow = await create({ prompt: 'slow' });
    const quick = await create({ prompt: 'quick' });
    expect(ids(await call('GET', '/videos'))).toEqual([quick.id, late.id]); // a later job shows before an earlier one
    await sleep(650);
    expect(ids(await call('GET', '/videos'))).toEqual([quick.id, slow.id, late.id]);
    emu.setConfig({ listLagMs: 0 });

    emu.setConfig({ ignoreCursor: true });
    const first = await call('GET', '/videos?limit=2');
    const again = await call('GET', `/videos?limit=2&after=${first.json.last_id}`);
    expect(again.json).toMatchObject({ data: first.json.data.map((d) => expect.objectContaining({ id: d.id })), has_more: true, last_id: first.json.last_id });
    emu.setConfig({ ignoreCursor: false });

    emu.setConfig({ omitCreatedAt: true, clockSkewS: -3600, statusWords: { in_progress: 'rendering', queued: 'waiting' } });
    const hidden = await create({ prompt: 'no time' });
    expect(hidden).not.toHaveProperty('created_at');
    expect(hidden.status).toBe('waiting');
    emu.setConfig({ omitCreatedAt: false });
    const skewed = await create({ prompt: 'skewed' });
    expect(Math.abs(skewed.created_at - (Math.floor(Date.now() / 1000) - 3600))).toBeLessThanOrEqual(1);
    await sleep(30);
    expect((await call('GET', `/videos/${skewed.id}`)).json.status).toBe('rendering');
    expect((await call('GET', `/videos/${hidden.id}`)).json).not.toHaveProperty('created_at'); // decided once per job
    await admin('POST', `/__emulator/videos/${skewed.id}/complete`);
    const done = (await call('GET', `/videos/${skewed.id}`)).json;
    expect(done.status).toBe('completed');
    expect(Math.abs(done.completed_at - (Math.floor(Date.now() / 1000) - 3600))).toBeLessThanOrEqual(1);
    expect(done.expires_at - done.completed_at).toBe(86400);
    expect((await call('GET', `/videos/${skewed.id}/content`, { raw: true })).status).toBe(200); // expiry keeps the real clock
    emu.setConfig({ omitCreatedAt: 0.5, clockSkewS: 0, statusWords: {} });
    const mixed = [];
    for (let i = 0; i < 40; i++) mixed.push(await create({ prompt: `mixed ${i}` }));
    const without = mixed.filter((v) => !('created_at' in v)).length;
    expect(without).toBeGreaterThan(5);
    expect(without).toBeLessThan(35);
  }));

  test.each([
    ['linear', [0, 25, 50, 80, 99]],
    ['stall99', [0, 50, 99, 99, 99]],
    ['jumps', [0, 10, 40, 90, 90]],
    ['none', [0, 0, 0, 0, 0]],
    ['null', [null, null, null, null, null]],
  ])('progressProfile %s', (profile, expected) => withFreshEmulator({ mediaMode: 'lazy', jobMs: 60_000, progressProfile: profile }, async () => {
    // The curve at fixed shares of the job time…
    expect([0, 0.25, 0.5, 0.8, 0.995].map((frac) => progressOf(profile, frac))).toEqual(expected);
    // …and on the wire: a running job early in its time, then done.
    const v = await create({ prompt: `progress ${profile}` });
    await sleep(30);
    const running = (await call('GET', `/videos/${v.id}`)).json;
    expect(running.status).toBe('in_progress');
    expect(running.progress).toBe(expected[0]);
    await admin('POST', `/__emulator/videos/${v.id}/complete`);
    expect((await call('GET', `/videos/${v.id}`)).json.progress).toBe(profile === 'null' ? null : 100);
  }));
});

// ---------------------------------------------------------------- content

describe('content download', () => {
  test('video is a real H.264 + AAC MP4 of the requested size and duration', async () => {
    const file = tmpFile('content.mp4', mp4_4s);
    const { ok, stderr } = await ffprobe(file);
    expect(ok).toBe(true);
    expect(stderr).toMatch(/Video: h264/);
    expect(stderr).toMatch(/Audio: aac/);
    expect(stderr).toMatch(/720x1280/);
    expect(stderr).toMatch(/Duration: 00:00:04\.0/);
    fs.rmSync(file, { force: true });
  });

  test('variants, headers, sha256 admin endpoint', async () => {
    const id = baseVideo.id;
    const v = await call('GET', `/videos/${id}/content?variant=video`, { raw: true });
    expect(v.status).toBe(200);
    expect(v.headers['content-type']).toBe('video/mp4');
    expect(v.headers['accept-ranges']).toBe('bytes');
    expect(Number(v.headers['content-length'])).toBe(v.buffer.length);
    expect(v.buffer.toString('latin1', 4, 8)).toBe('ftyp');
    const sha = await admin('GET', `/__emulator/videos/${id}/sha256`);
    expect(sha.json.sha256).toBe(crypto.createHash('sha256').update(v.buffer).digest('hex'));
    expect(sha.json.bytes).toBe(v.buffer.length);

    const t = await call('GET', `/videos/${id}/content?variant=thumbnail`, { raw: true });
    expect(t.status).toBe(200);
    expect(t.headers['content-type']).toBe('image/webp');
    expect(t.buffer.toString('latin1', 0, 4)).toBe('RIFF');
    expect(t.buffer.toString('latin1', 8, 12)).toBe('WEBP');
    const s = await call('GET', `/videos/${id}/content?variant=spritesheet`, { raw: true });
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('image/jpeg');
    expect(s.buffer[0]).toBe(0xff);
    expect(s.buffer[1]).toBe(0xd8);
    expectApiError(await call('GET', `/videos/${id}/content?variant=gif`), 400, 'invalid_value');
  });

  test('Range requests: a-b, a-, suffix, unsatisfiable', async () => {
    const id = baseVideo.id;
    const total = mp4_4s.length;
    const r1 = await call('GET', `/videos/${id}/content`, { headers: { range: 'bytes=0-99' }, raw: true });
    expect(r1.status).toBe(206);
    expect(r1.headers['content-range']).toBe(`bytes 0-99/${total}`);
    expect(r1.buffer.equals(mp4_4s.subarray(0, 100))).toBe(true);
    const r2 = await call('GET', `/videos/${id}/content`, { headers: { range: `bytes=${total - 1000}-` }, raw: true });
    expect(r2.status).toBe(206);
    expect(r2.headers['content-length']).toBe('1000');
    expect(r2.buffer.equals(mp4_4s.subarray(total - 1000))).toBe(true);
    const r3 = await call('GET', `/videos/${id}/content`, { headers: { range: 'bytes=-10' }, raw: true });
    expect(r3.buffer.equals(mp4_4s.subarray(total - 10))).toBe(true);
    const r4 = await call('GET', `/videos/${id}/content`, { headers: { range: `bytes=${total}-` }, raw: true });
    expect(r4.status).toBe(416);
    expect(r4.headers['content-range']).toBe(`bytes */${total}`);
  });

  test('content before completion is an error', async () => {
    emu.setConfig({ jobMs: 5000, mediaMode: 'lazy' });
    const v = await create({ prompt: 'not yet' });
    expectApiError(await call('GET', `/videos/${v.id}/content`), 400, 'video_not_ready');
  });

  test('padVideoBytes serves a still-playable MP4 of exactly that size', async () => {
    emu.setConfig({ padVideoBytes: 3 * 1024 * 1024 });
    const r = await call('GET', `/videos/${baseVideo.id}/content`, { raw: true });
    expect(r.buffer.length).toBe(3 * 1024 * 1024);
    expect(r.headers['content-length']).toBe(String(3 * 1024 * 1024));
    expect(r.buffer.subarray(0, mp4_4s.length).equals(mp4_4s)).toBe(true);
    expect(r.buffer.toString('latin1', mp4_4s.length + 4, mp4_4s.length + 8)).toBe('free');
    const sha = await admin('GET', `/__emulator/videos/${baseVideo.id}/sha256`);
    expect(sha.json).toMatchObject({ bytes: r.buffer.length, sha256: crypto.createHash('sha256').update(r.buffer).digest('hex') });
    const tail = await call('GET', `/videos/${baseVideo.id}/content`, { headers: { range: 'bytes=-16' }, raw: true });
    expect(tail.buffer.equals(Buffer.alloc(16))).toBe(true);
    const file = tmpFile('padded.mp4', r.buffer);
    const { ok, stderr } = await ffprobe(file);
    fs.rmSync(file, { force: true });
    expect(ok).toBe(true);
    expect(stderr).toMatch(/Video: h264/);
  });

  test('moderation: prompt with the magic word fails in band', async () => {
    const v = await create({ prompt: `a scene ${MODERATION_WORD} here` });
    expect(v.status).toBe('queued');
    const done = await waitDone(v.id);
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({ code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' });
    expectApiError(await call('GET', `/videos/${v.id}/content`), 400);
    expect((await call('DELETE', `/videos/${v.id}`)).status).toBe(200);
  });

  test('expiry: after assetTtlSeconds the content is gone', async () => {
    emu.setConfig({ assetTtlSeconds: 1 });
    const done = await completedVideo();
    expect(done.expires_at).toBeGreaterThanOrEqual(done.completed_at);
    expect(done.expires_at).toBeLessThanOrEqual(done.completed_at + 2);
    await sleep(1100);
    const r = await call('GET', `/videos/${done.id}/content`);
    expectApiError(r, 404, 'video_expired');
  });
});

// ---------------------------------------------------------------- remix / edit / extend

describe('remix, edit, extend', () => {
  test('remix creates a new job from a completed video', async () => {
    const r = await call('POST', `/videos/${baseVideo.id}/remix`, { json: { prompt: 'now at night' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'queued', remixed_from_video_id: baseVideo.id, size: baseVideo.size, seconds: baseVideo.seconds, model: baseVideo.model, prompt: 'now at night' });
    expect(r.json.id).not.toBe(baseVideo.id);
    expectApiError(await call('POST', '/videos/video_nope/remix', { json: { prompt: 'x' } }), 404);
    expectApiError(await call('POST', `/videos/${baseVideo.id}/remix`, { json: { prompt: '' } }), 400);
    expectApiError(await call('POST', `/videos/${baseVideo.id}/remix`, { json: { prompt: 'x', size: '1280x720' } }), 400, 'unknown_parameter');
    expect((await waitDone(r.json.id)).status).toBe('completed');
  });

  test('edit by id (JSON) and by uploaded MP4 (multipart with model)', async () => {
    const r = await call('POST', '/videos/edits', { json: { prompt: 'make it blue', video: { id: baseVideo.id } } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'queued', size: '720x1280', seconds: '4', remixed_from_video_id: baseVideo.id });
    const form = new FormData();
    form.append('prompt', 'make it red');
    form.append('model', 'sora-2-pro');
    form.append('video', new Blob([mp4_4s], { type: 'video/mp4' }), 'clip.mp4');
    const m = await call('POST', '/videos/edits', { form });
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ model: 'sora-2-pro', size: '720x1280', seconds: '4' });
    const bad = new FormData();
    bad.append('prompt', 'x');
    bad.append('video', new Blob([makePng(8, 8)], { type: 'image/png' }), 'clip.png');
    expectApiError(await call('POST', '/videos/edits', { form: bad }), 400, 'invalid_video_format');
    expectApiError(await call('POST', '/videos/edits', { json: { prompt: 'x' } }), 400, 'missing_required_parameter');
    expectApiError(await call('POST', '/videos/edits', { json: { prompt: 'x', video: { id: 'video_missing' } } }), 404);
  });

  test('extend adds seconds; total ≤ 120 s and ≤ 6 extensions; no characters', async () => {
    emu.setConfig({ jobMs: 20, mediaMode: 'lazy' });
    const ext = async (id, seconds) => call('POST', '/videos/extensions', { json: { prompt: 'and then', seconds, video: { id } } });
    // total limit: 4 + 5×20 = 104, +20 = 124 refused
    let cur = baseVideo.id;
    for (let i = 0; i < 5; i++) {
      const r = await ext(cur, '20');
      expect(r.status).toBe(200);
      expect(r.json.seconds).toBe(String(4 + 20 * (i + 1)));
      cur = (await waitDone(r.json.id)).id;
    }
    expectApiError(await ext(cur, '20'), 400, 'duration_limit_exceeded');
    expect((await ext(cur, '16')).json.seconds).toBe('120');
    // count limit: 6 extensions of 4 s, the 7th refused
    cur = baseVideo.id;
    for (let i = 0; i < 6; i++) {
      const r = await ext(cur, '4');
      expect(r.status).toBe(200);
      cur = (await waitDone(r.json.id)).id;
    }
    expect((await call('GET', `/videos/${cur}`)).json.seconds).toBe('28');
    expectApiError(await ext(cur, '4'), 400, 'extension_limit_exceeded');
    // source must be completed, seconds is required and a string, characters refused
    emu.setConfig({ jobMs: 5000 });
    const running = await create({ prompt: 'running' });
    expectApiError(await ext(running.id, '4'), 400, 'invalid_video_status');
    expectApiError(await call('POST', '/videos/extensions', { json: { prompt: 'x', video: { id: baseVideo.id } } }), 400, 'missing_required_parameter');
    expectApiError(await ext(baseVideo.id, 4), 400, 'invalid_type');
    expectApiError(await call('POST', '/videos/extensions', { json: { prompt: 'x', seconds: '4', video: { id: baseVideo.id }, characters: [{ id: 'char_1' }] } }), 400, 'unsupported_parameter');
  });

  test('a long (extended) clip is rendered with the stitched duration', async () => {
    emu.setConfig({ jobMs: 20 });
    const r = await call('POST', '/videos/extensions', { json: { prompt: 'longer', seconds: '4', video: { id: baseVideo.id } } });
    const done = await waitDone(r.json.id);
    expect(done.seconds).toBe('8');
    const c = await call('GET', `/videos/${done.id}/content`, { raw: true });
    expect(c.status).toBe(200);
    const file = tmpFile('ext.mp4', c.buffer);
    const { stderr } = await ffprobe(file);
    fs.rmSync(file, { force: true });
    expect(stderr).toMatch(/Duration: 00:00:08\.0/);
  });
});

// ---------------------------------------------------------------- characters

describe('characters', () => {
  test('create from a 2–4 s MP4, get it, use it on create (JSON and multipart encodings)', async () => {
    const form = new FormData();
    form.append('name', 'Mochi the cat');
    form.append('video', new Blob([mp4_4s], { type: 'video/mp4' }), 'mochi.mp4');
    const r = await call('POST', '/videos/characters', { form });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: expect.stringMatching(/^char_[0-9a-f]+$/), name: 'Mochi the cat', created_at: expect.any(Number) });
    const c = r.json;
    const g = await call('GET', `/videos/characters/${c.id}`);
    expect(g.status).toBe(200);
    expect(g.json).toMatchObject({ id: c.id, name: 'Mochi the cat', created_at: c.created_at });

    emu.setConfig({ mediaMode: 'lazy' });
    expect((await call('POST', '/videos', { json: { prompt: 'Mochi the cat dances', characters: [{ id: c.id }] } })).status).toBe(200);
    expect((await call('POST', '/videos', { json: { prompt: 'two', characters: [{ id: c.id }, { id: c.id }] } })).status).toBe(200);
    for (const enc of [['characters[0][id]', c.id], ['characters[][id]', c.id], ['characters', JSON.stringify([{ id: c.id }])]]) {
      const f = new FormData();
      f.append('prompt', 'Mochi the cat sings');
      f.append(enc[0], enc[1]);
      const m = await call('POST', '/videos', { form: f });
      expect(m.status).toBe(200);
    }
    const f3 = new FormData();
    f3.append('prompt', 'three');
    for (let i = 0; i < 3; i++) f3.append('characters[][id]', c.id);
    expectApiError(await call('POST', '/videos', { form: f3 }), 400, 'array_above_max_length');
    const fMissing = new FormData();
    fMissing.append('prompt', 'x');
    fMissing.append('characters[0][id]', 'char_unknown');
    expectApiError(await call('POST', '/videos', { form: fMissing }), 400, 'character_not_found');
  });

  test('rejects wrong duration, non-MP4, JSON body, bad names', async () => {
    const long = await completedVideo({ seconds: '8' });
    const mp4_8s = (await call('GET', `/videos/${long.id}/content`, { raw: true })).buffer;
    const f = new FormData();
    f.append('name', 'too long');
    f.append('video', new Blob([mp4_8s], { type: 'video/mp4' }), 'long.mp4');
    const r = await call('POST', '/videos/characters', { form: f });
    expectApiError(r, 400, 'invalid_video_duration', 'between 2 and 4 seconds');

    const f2 = new FormData();
    f2.append('name', 'png');
    f2.append('video', new Blob([makePng(16, 16)], { type: 'image/png' }), 'x.png');
    expectApiError(await call('POST', '/videos/characters', { form: f2 }), 400, 'invalid_video_format');

    expectApiError(await call('POST', '/videos/characters', { json: { name: 'x', video: 'abc' } }), 400, 'invalid_content_type');

    const f3 = new FormData();
    f3.append('name', 'x'.repeat(81));
    f3.append('video', new Blob([mp4_4s], { type: 'video/mp4' }), 'a.mp4');
    expectApiError(await call('POST', '/videos/characters', { form: f3 }), 400, 'string_above_max_length');
    const f4 = new FormData();
    f4.append('video', new Blob([mp4_4s], { type: 'video/mp4' }), 'a.mp4');
    expectApiError(await call('POST', '/videos/characters', { form: f4 }), 400, 'missing_required_parameter');
  });
});

// ---------------------------------------------------------------- auth, idempotency, faults, concurrency

describe('auth', () => {
  test('Bearer or api-key required when apiKey is set; key never echoed', async () => {
    const KEY = 'sk-emulator-secret-123';
    emu.setConfig({ apiKey: KEY });
    const none = await call('GET', '/videos');
    expectApiError(none, 401, 'invalid_api_key', 'Incorrect API key provided.');
    const wrong = await call('GET', '/videos', { headers: { authorization: 'Bearer sk-wrong-key-456' } });
    expectApiError(wrong, 401, 'invalid_api_key');
    expect(wrong.text).not.toContain('sk-wrong-key-456');
    expect((await call('GET', '/videos', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    expect((await call('GET', '/videos', { headers: { 'api-key': KEY } })).status).toBe(200);
    const cfg = await admin('GET', '/__emulator/config');
    expect(cfg.text).not.toContain(KEY);
    expect(cfg.json.apiKeySet).toBe(true);
  });
});

describe('idempotency and stats', () => {
  test('same Idempotency-Key returns the same job and is counted once', async () => {
    emu.setConfig({ mediaMode: 'lazy' });
    const before = emu.stats.acceptedCreates;
    const key = 'idem-' + crypto.randomUUID();
    const a = await create({ prompt: 'idempotent' }, { 'idempotency-key': key });
    const b = await create({ prompt: 'idempotent' }, { 'idempotency-key': key });
    expect(b.id).toBe(a.id);
    expect(emu.stats.acceptedCreates).toBe(before + 1);
    const c = await create({ prompt: 'idempotent' }, { 'idempotency-key': key + '-other' });
    expect(c.id).not.toBe(a.id);
    const s = await admin('GET', '/__emulator/stats');
    expect(s.json.acceptedCreates).toBe(before + 2);
    expect(s.json.requests.create).toBeGreaterThan(0);
  });
});

describe('faults', () => {
  test('429 with Retry-After and retry-after-ms, scoped to create', async () => {
    emu.setConfig({ faults: { rate429: 1, scope: ['create'] } });
    const r = await call('POST', '/videos', { json: { prompt: 'x' } });
    expectApiError(r, 429, 'rate_limit_exceeded');
    expect(r.headers['retry-after']).toBe('1');
    expect(r.headers['retry-after-ms']).toBe('1000');
    expect((await call('GET', '/videos')).status).toBe(200); // list is out of scope
    expect(emu.stats.faultsInjected.rate429).toBe(1);
  });

  test('lost create response: job is created and counted, a retry with the same key does not double-charge', async () => {
    emu.setConfig({ mediaMode: 'lazy', faults: { createLostResponse: 1, budget: 1 } });
    const before = emu.stats.acceptedCreates;
    const key = 'lost-' + crypto.randomUUID();
    await expect(call('POST', '/videos', { json: { prompt: 'lost' }, headers: { 'idempotency-key': key } })).rejects.toThrow();
    expect(emu.stats.acceptedCreates).toBe(before + 1);
    expect(emu.stats.faultsInjected.createLostResponse).toBe(1);
    const again = await create({ prompt: 'lost' }, { 'idempotency-key': key });
    expect(emu.stats.acceptedCreates).toBe(before + 1);
    const list = await call('GET', '/videos?limit=1');
    expect(list.json.data[0].id).toBe(again.id);
  });

  test('5xx HTML, reset before body, malformed JSON, reset during content body, slow', async () => {
    emu.setConfig({ faults: { rate5xx: 1, budget: 1 } });
    const h = await call('GET', '/videos');
    expect([500, 502, 503]).toContain(h.status);
    expect(h.headers['content-type']).toContain('text/html');
    expect(h.text).toContain('<html>');

    emu.setConfig({ faults: { resetBeforeBody: 1, budget: 1 } });
    await expect(call('GET', '/videos')).rejects.toThrow();

    emu.setConfig({ faults: { malformedJson: 1, scope: ['retrieve'] } });
    const m = await call('GET', `/videos/${baseVideo.id}`);
    expect(m.status).toBe(200);
    expect(() => JSON.parse(m.text)).toThrow();

    emu.setConfig({ faults: { resetDuringBody: 1 } });
    await expect(call('GET', `/videos/${baseVideo.id}/content`, { raw: true })).rejects.toThrow();

    emu.setConfig({ faults: { slowMs: 400, rateSlow: 1, scope: ['list'] } });
    const t0 = Date.now();
    expect((await call('GET', '/videos?limit=1')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);

    const s = (await admin('GET', '/__emulator/stats')).json.faultsInjected;
    expect(s).toMatchObject({ rate5xx: 1, resetBeforeBody: 1, malformedJson: 1, resetDuringBody: 1, slow: 1 });
  });

  test('admin config endpoint sets faults at runtime', async () => {
    const r = await admin('POST', '/__emulator/config', { json: { faults: { rate429: 1, scope: ['list'] } } });
    expect(r.status).toBe(200);
    expectApiError(await call('GET', '/videos'), 429);
    await admin('POST', '/__emulator/config', { json: { faults: {} } });
    expect((await call('GET', '/videos')).status).toBe(200);
  });
});

describe('maxRunning', () => {
  test('at most N jobs in_progress, others stay queued until a slot frees', () => withFreshEmulator({ maxRunning: 1, jobMs: 400, mediaMode: 'lazy' }, async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await create({ prompt: `slot ${i}` })).id);
    let maxSeen = 0;
    let sawQueued = false;
    const t0 = Date.now();
    for (;;) {
      const list = (await call('GET', '/videos?limit=100')).json.data.filter((d) => ids.includes(d.id));
      const running = list.filter((d) => d.status === 'in_progress').length;
      maxSeen = Math.max(maxSeen, running);
      if (list.some((d) => d.status === 'queued')) sawQueued = true;
      if (list.every((d) => d.status === 'completed')) break;
      if (Date.now() - t0 > 10000) throw new Error('maxRunning jobs did not finish');
      await sleep(50);
    }
    expect(maxSeen).toBe(1);
    expect(sawQueued).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  }));

  test('queuedMs keeps a job queued first', async () => {
    emu.setConfig({ queuedMs: 300, jobMs: 200, mediaMode: 'lazy' });
    const v = await create({ prompt: 'queued first' });
    expect((await call('GET', `/videos/${v.id}`)).json.status).toBe('queued');
    expect((await waitDone(v.id)).status).toBe('completed');
  });
});

// ---------------------------------------------------------------- official SDK

describe('official openai SDK', () => {
  const OpenAI = require('openai');
  const { toFile } = require('openai');

  test('every client.videos method works against the emulator', async () => {
    emu.setConfig({ apiKey: 'sk-sdk' });
    const client = new OpenAI({ apiKey: 'sk-sdk', baseURL: emu.baseUrl, maxRetries: 0 });

    const created = await client.videos.create({ prompt: 'SDK cat', model: 'sora-2', seconds: '4', size: '720x1280' });
    expect(created).toMatchObject({ object: 'video', status: 'queued' });
    const withImage = await client.videos.create({
      prompt: 'SDK image', size: '720x1280', input_reference: await toFile(makePng(720, 1280), 'ref.png', { type: 'image/png' }),
    });
    expect(withImage.status).toBe('queued');
    await expect(client.videos.create({ prompt: 'x', seconds: '4', size: '1792x1024' })).rejects.toMatchObject({ status: 400 });

    let v = await client.videos.retrieve(created.id);
    expect(v.id).toBe(created.id);
    for (let i = 0; i < 200 && v.status !== 'completed'; i++) { await sleep(50); v = await client.videos.retrieve(created.id); }
    expect(v.status).toBe('completed');

    const page = await client.videos.list({ limit: 1 });
    expect(page.data.length).toBe(1);
    const all = [];
    for await (const item of client.videos.list({ limit: 2, order: 'asc' })) all.push(item.id);
    expect(all).toContain(created.id);
    expect(new Set(all).size).toBe(all.length);

    const resp = await client.videos.downloadContent(created.id);
    const bytes = Buffer.from(await resp.arrayBuffer());
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
    const sha = await admin('GET', `/__emulator/videos/${created.id}/sha256`);
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(sha.json.sha256);
    const thumb = await client.videos.downloadContent(created.id, { variant: 'thumbnail' });
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    const remix = await client.videos.remix(created.id, { prompt: 'SDK remix' });
    expect(remix.remixed_from_video_id).toBe(created.id);
    const edit = await client.videos.edit({ prompt: 'SDK edit', video: { id: created.id } });
    expect(edit.status).toBe('queued');
    const editUpload = await client.videos.edit({ prompt: 'SDK edit upload', video: await toFile(bytes, 'in.mp4', { type: 'video/mp4' }) });
    expect(editUpload.seconds).toBe('4');
    const ext = await client.videos.extend({ prompt: 'SDK extend', seconds: '4', video: { id: created.id } });
    expect(ext.seconds).toBe('8');

    const character = await client.videos.createCharacter({ name: 'SDK Mochi', video: await toFile(bytes, 'mochi.mp4', { type: 'video/mp4' }) });
    expect(character.id).toMatch(/^char_/);
    const got = await client.videos.getCharacter(character.id);
    expect(got).toMatchObject({ id: character.id, name: 'SDK Mochi' });
    // characters travel as characters[][id] in the SDK's multipart encoding
    const withChar = await client.videos.create({ prompt: 'SDK Mochi waves', characters: [{ id: character.id }] });
    expect(withChar.status).toBe('queued');

    const del = await client.videos.delete(created.id);
    expect(del).toEqual({ id: created.id, object: 'video.deleted', deleted: true });
    await expect(client.videos.retrieve(created.id)).rejects.toMatchObject({ status: 404 });

    const badClient = new OpenAI({ apiKey: 'sk-wrong', baseURL: emu.baseUrl, maxRetries: 0 });
    await expect(badClient.videos.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  test('SDK retries: a lost create response double-charges unless an Idempotency-Key header is sent; 429 is retried', async () => {
    const client = new OpenAI({ apiKey: 'x', baseURL: emu.baseUrl, maxRetries: 2 });
    // openai 7.57 sets no idempotency header by default: its automatic retry of a lost create makes a second job.
    emu.setConfig({ mediaMode: 'lazy', faults: { createLostResponse: 1, budget: 1, scope: ['create'] } });
    let before = emu.stats.acceptedCreates;
    const lostBefore = emu.stats.faultsInjected.createLostResponse || 0;
    await client.videos.create({ prompt: 'retry me, no key' });
    expect(emu.stats.acceptedCreates).toBe(before + 2);
    expect(emu.stats.faultsInjected.createLostResponse).toBe(lostBefore + 1);
    // With an explicit Idempotency-Key header the retry is replayed, not charged again.
    emu.setConfig({ mediaMode: 'lazy', faults: { createLostResponse: 1, budget: 1, scope: ['create'] } });
    before = emu.stats.acceptedCreates;
    const replaysBefore = emu.stats.idempotentReplays;
    const v = await client.videos.create({ prompt: 'retry me' }, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
    expect(v.prompt).toBe('retry me'); // the replay returns the job's current state (it may have finished meanwhile)
    expect(emu.stats.acceptedCreates).toBe(before + 1);
    expect(emu.stats.idempotentReplays).toBe(replaysBefore + 1);

    emu.setConfig({ faults: { rate429: 1, budget: 1, retryAfterMs: 100 } });
    const r = await client.videos.retrieve(v.id);
    expect(r.id).toBe(v.id);
    expect(emu.stats.faultsInjected.rate429).toBeGreaterThanOrEqual(1);
  });
});

// ---------------------------------------------------------------- admin + CLI

describe('admin endpoints and CLI', () => {
  test('reset clears jobs and stats', () => withFreshEmulator({ mediaMode: 'lazy' }, async () => {
    await create({ prompt: 'to be reset' });
    const r = await admin('POST', '/__emulator/reset');
    expect(r.status).toBe(200);
    const s = (await admin('GET', '/__emulator/stats')).json;
    expect(s.acceptedCreates).toBe(0);
    expect((await call('GET', '/videos')).json.data).toEqual([]);
  }));

  test('cli prints one line and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'emulator', 'cli.js'), '--port', '0', '--job-ms', '100', '--api-key', 'k'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(out); });
      child.on('exit', (code) => reject(new Error('cli exited ' + code)));
    });
    expect(line).toMatch(/^Sora emulator listening on http:\/\/127\.0\.0\.1:\d+\/v1\n$/);
    const base = line.trim().split(' on ')[1];
    const r = await request(`${base}/videos`, { headers: { authorization: 'Bearer k' } });
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    const code = await new Promise((resolve) => { child.on('exit', (c) => resolve(c)); child.kill('SIGTERM'); });
    expect(code).toBe(0);
  });
});

// ---------------------------------------------------------------- credential-test endpoints

describe('endpoints that credential tests read', () => {
  test('GET /models answers in every mode; a key without video access gets 403 on every API route', () => withFreshEmulator({ apiKey: 'good', noVideoAccessKeys: ['novideo'], mediaMode: 'lazy' }, async () => {
    const models = await call('GET', '/models', { headers: { authorization: 'Bearer good' } });
    expect(models.status).toBe(200);
    expect(models.json.data.map((m) => m.id)).toEqual(['sora-2', 'sora-2-pro']);
    for (const p of ['/videos', '/models']) {
      const denied = await call('GET', p, { headers: { authorization: 'Bearer novideo' } });
      expect(denied.status).toBe(403);
      expect(denied.json.error).toBeDefined();
      expect(denied.text).not.toContain('novideo');
    }
    expect((await call('GET', '/key', { headers: { authorization: 'Bearer good' } })).status).toBe(404); // OpenRouter only
  }));

  test('GET /key answers in OpenRouter mode', async () => {
    const openrouter = await startEmulator({ port: 0, dialect: 'openrouter', mediaMode: 'lazy' });
    try {
      const r = await request(`${openrouter.baseUrl}/key`, { headers: { authorization: 'Bearer any' } });
      expect(r.statusCode).toBe(200);
      expect((await r.body.json()).data).toHaveProperty('limit');
    } finally {
      await openrouter.close();
    }
  });
});

// ---------------------------------------------------------------- dialect modes (test/emulator/dialects/)
//
// One emulator per dialect, jobs held by a long jobMs and finished through the admin endpoint, so no assertion
// depends on timing. Each test names the behaviour and (in the dialect file) the upstream source it imitates.

const { probeMp4 } = require('./emulator/media');
const KEY = 'sk-dialect-key';
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Runs fn(d, api) against a fresh emulator in that dialect; `api` calls its base URL with the key. */
async function withDialect(dialect, dialectOptions, fn, extra = {}) {
  const d = await startEmulator({ port: 0, dialect, dialectOptions, apiKey: KEY, jobMs: 600000, mediaMode: 'lazy', ...extra });
  const auth = dialect === 'azure' ? { 'api-key': KEY } : { authorization: `Bearer ${KEY}` };
  const api = (method, p, opts = {}) => call(method, p.startsWith('http') ? p : d.baseUrl + p, { ...opts, headers: { ...auth, ...(opts.headers || {}) } });
  api.complete = (id) => call('POST', `${d.origin}/__emulator/videos/${encodeURIComponent(id)}/complete`);
  api.fail = (id, body) => call('POST', `${d.origin}/__emulator/videos/${encodeURIComponent(id)}/fail`, { json: body || {} });
  api.job = (wire) => d.jobs().find((j) => j.id === d.dialect.internalId(wire));
  try { await fn(d, api); } finally { await d.close(); }
}
/** Waits (without asserting on time) until the internal job is running. */
async function untilRunning(d, wire) {
  while (d.jobs().find((j) => j.id === d.dialect.internalId(wire)).status !== 'in_progress') await sleep(5);
}
const pngForm = (fields, png, name = 'input_reference') => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append(name, new Blob([png], { type: 'image/png' }), 'first.png');
  return form;
};
const decodeLitellmId = (id) => Buffer.from(id.slice('video_'.length), 'base64').toString('utf8');

describe('dialect: LiteLLM proxy behind OpenAI (litellm/proxy/video_endpoints/endpoints.py)', () => {
  test('ids: video_ + base64 of provider, model_id and the upstream id; padding optional; the raw upstream id works too', () => withDialect('litellm', {}, async (d, api) => {
    const c = await api('POST', '/videos', { json: { prompt: 'ids', model: 'openai/sora-2' } });
    expect(c.status).toBe(200);
    const raw = d.jobs()[0].id;
    expect(decodeLitellmId(c.json.id)).toBe(`litellm:custom_llm_provider:openai;model_id:sora-2;video_id:${raw}`);
    expect(d.dialect.wireId(raw)).toBe(c.json.id);
    for (const id of [c.json.id, c.json.id.replace(/=+$/, ''), raw]) {
      const r = await api('GET', `/videos/${encodeURIComponent(id)}`);
      expect(r.status).toBe(200);
      expect(r.json.id).toBe(c.json.id); // the answer is re-encoded with the job's model
    }
  }));

  test('answers are VideoObject dumps: no prompt, every field present, usage on create and remix, upstream statuses and llm_provider- headers', () => withDialect('litellm', {}, async (d, api) => {
    const c = await api('POST', '/videos', { json: { prompt: 'dump', model: 'sora-2', seconds: '8' } });
    expect(Object.keys(c.json)).toEqual(['id', 'object', 'status', 'created_at', 'completed_at', 'expires_at', 'error', 'progress',
      'remixed_from_video_id', 'seconds', 'size', 'model', 'usage']);
    expect(c.json).toMatchObject({ status: 'queued', seconds: '8', usage: { duration_seconds: 8 } });
    expect(c.headers['llm_provider-openai-poll-after-ms']).toBeDefined();
    expect(c.headers['openai-poll-after-ms']).toBeUndefined();
    expect(c.headers['x-litellm-call-id']).toMatch(/^[0-9a-f-]{36}$/);
    await untilRunning(d, c.json.id);
    const running = await api('GET', `/videos/${c.json.id}`);
    expect(running.json).toMatchObject({ status: 'in_progress', usage: null });
    expect(running.json).not.toHaveProperty('prompt');
    await api.complete(c.json.id);
    const remix = await api('POST', `/videos/${c.json.id}/remix`, { json: { prompt: 'again', seconds: '4' } });
    expect(remix.status).toBe(200); // only the prompt goes upstream: `seconds` is dropped, not refused
    expect(remix.json.usage).toEqual({ duration_seconds: 8 });
    expect(remix.json.remixed_from_video_id).toBe(d.jobs()[0].id); // the raw upstream id
  }));

  test('no DELETE route (405 before auth), Starlette 404 elsewhere, auth by Bearer or x-litellm-api-key', () => withDialect('litellm', {}, async (d) => {
    const del = await call('DELETE', `${d.baseUrl}/videos/video_abc`);
    expect(del.status).toBe(405);
    expect(del.json).toEqual({ detail: 'Method Not Allowed' });
    expect((await call('GET', `${d.baseUrl}/nothing`)).json).toEqual({ detail: 'Not Found' });
    const denied = await call('GET', `${d.baseUrl}/videos`, { headers: { authorization: 'Bearer wrong' } });
    expect(denied.status).toBe(401);
    expect(denied.json.error).toMatchObject({ type: 'auth_error', code: '401' });
    expect((await call('GET', `${d.baseUrl}/videos`, { headers: { 'x-litellm-api-key': KEY } })).status).toBe(200);
  }));

  test('list: provider from header or query, default openai; items encoded, first_id / last_id raw upstream ids', () => withDialect('litellm', {}, async (d, api) => {
    const a = await api('POST', '/videos', { json: { prompt: 'one' } });
    await api('POST', '/videos', { json: { prompt: 'two' } });
    const l = await api('GET', '/videos?limit=10');
    expect(l.status).toBe(200);
    expect(l.json.data.map((v) => v.id)).toContain(a.json.id);
    expect(l.json.first_id).toBe(d.dialect.internalId(l.json.data[0].id));
    expect(l.json.last_id).toMatch(/^video_[0-9a-f]+$/);
    await api('GET', '/videos', { headers: { 'custom-llm-provider': 'azure' } });
    await api('GET', '/videos?custom_llm_provider=openai');
    expect(d.dialect.stats.listProviders).toEqual({ openai: 2, azure: 1 });
  }));

  test('upstream errors re-raised as litellm.<Class>: OpenAIException - <body>, code a string; unknown create fields dropped', () => withDialect('litellm', {}, async (d, api) => {
    const r = await api('POST', '/videos', { json: { prompt: 'x', size: '1920x1080', model: 'sora-2' } });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/^litellm\.BadRequestError: OpenAIException - \{"error":/);
    expect(r.json.error).toMatchObject({ code: '400', param: 'size' });
    const extra = await api('POST', '/videos', { json: { prompt: 'x', duration: 8, aspect_ratio: '16:9' } });
    expect(extra.status).toBe(200);
    expect(extra.json.seconds).toBe('4');
    const missing = await api('GET', '/videos/video_nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toMatch(/^litellm\.NotFoundError: OpenAIException - /);
  }));

  test('the image reference always goes upstream as a file: multipart works, a JSON object is a 500, a URL string is refused upstream', () => withDialect('litellm', {}, async (d, api) => {
    const png = makePng(720, 1280);
    const ok = await api('POST', '/videos', { form: pngForm({ prompt: 'from image', seconds: '4' }, png) });
    expect(ok.status).toBe(200);
    expect(api.job(ok.json.id).input_digest).toBe(sha256(png));
    const obj = await api('POST', '/videos', { json: { prompt: 'x', input_reference: { image_url: 'https://example.com/a.png' } } });
    expect(obj.status).toBe(500);
    expect(obj.json.error).toMatchObject({ code: '500' });
    const str = await api('POST', '/videos', { json: { prompt: 'x', input_reference: 'https://example.com/a.png' } });
    expect(str.status).toBe(400);
    expect(str.json.error.message).toContain('invalid_image_format');
  }));

  test('/content: always the MP4 (variant ignored, no Range), only the proxy headers; jsonErrorAsVideo turns an upstream 404 into 200 video/mp4', () => withDialect('litellm', {}, async (d, api) => {
    const c = await api('POST', '/videos', { json: { prompt: 'content' } });
    await api.complete(c.json.id);
    const r = await api('GET', `/videos/${c.json.id}/content?variant=thumbnail`, { raw: true, headers: { range: 'bytes=0-9' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('video/mp4');
    expect(r.headers['content-disposition']).toBe(`attachment; filename=video_${c.json.id}.mp4`);
    expect(r.headers['accept-ranges']).toBeUndefined();
    expect(probeMp4(r.buffer).isMp4).toBe(true);
    const gone = await api('GET', '/videos/video_missing/content');
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('404');
    d.dialect.options.jsonErrorAsVideo = true;
    const masked = await api('GET', '/videos/video_missing/content', { raw: true });
    expect(masked.status).toBe(200);
    expect(masked.headers['content-type']).toBe('video/mp4');
    expect(JSON.parse(masked.text).error.code).toBe('video_not_found');
  }));

  test('reencodeIds: status and remix answers carry the id with an empty model_id', () => withDialect('litellm', { reencodeIds: true }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { prompt: 're-encode', model: 'sora-2' } });
    const s = await api('GET', `/videos/${c.json.id}`);
    expect(s.json.id).not.toBe(c.json.id);
    expect(decodeLitellmId(s.json.id)).toBe(`litellm:custom_llm_provider:openai;model_id:;video_id:${d.jobs()[0].id}`);
    await api.complete(c.json.id);
    const remix = await api('POST', `/videos/${s.json.id}/remix`, { json: { prompt: 'r' } });
    expect(decodeLitellmId(remix.json.id)).toMatch(/;model_id:;video_id:video_/);
  }));

  test('characters: multipart video + name reach the upstream; any other body is FastAPI\'s 422', () => withDialect('litellm', {}, async (d, api) => {
    const json = await api('POST', '/videos/characters', { json: { name: 'x' } });
    expect(json.status).toBe(422);
    expect(json.json.detail.map((e) => e.loc[1])).toEqual(['video', 'name']);
    const form = new FormData();
    form.append('name', 'Hero');
    form.append('video', new Blob([mp4_4s], { type: 'video/mp4' }), 'hero.mp4');
    const r = await api('POST', '/videos/characters', { form });
    expect(r.status).toBe(200);
    expect(r.json.id).toMatch(/^char_/); // the upstream's id as it is (encoded only with target_model_names)
    expect((await api('GET', `/videos/characters/${r.json.id}`)).json.name).toBe('Hero');
  }));
});

describe('dialect: LiteLLM proxy behind Veo (litellm/llms/gemini/videos/transformation.py)', () => {
  test('create: processing, the provider\'s model, usage, every unset field null; status: re-encoded without model_id, processing → completed / failed', () => withDialect('litellm', { provider: 'gemini' }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { prompt: 'veo', model: 'gemini/veo-3.0-generate-preview', seconds: '4' } });
    expect(c.status).toBe(200);
    expect(c.json).toEqual({ id: c.json.id, object: 'video', status: 'processing', created_at: null, completed_at: null, expires_at: null,
      error: null, progress: null, remixed_from_video_id: null, seconds: null, size: null, model: 'veo-3.0-generate-preview', usage: { duration_seconds: 4 } });
    const hex = d.jobs()[0].id.slice('video_'.length);
    expect(decodeLitellmId(c.json.id)).toBe(`litellm:custom_llm_provider:gemini;model_id:veo-3.0-generate-preview;video_id:models/veo-3.0-generate-preview/operations/${hex}`);
    expect(Object.keys(c.headers).filter((h) => h.includes('openai'))).toEqual([]);
    const s = await api('GET', `/videos/${c.json.id}`);
    expect(s.json).toMatchObject({ status: 'processing', model: null, usage: null, progress: null, seconds: null });
    expect(decodeLitellmId(s.json.id)).toMatch(/;model_id:;video_id:models\//);
    await api.complete(c.json.id);
    expect((await api('GET', `/videos/${s.json.id}`)).json.status).toBe('completed');
    const f = await api('POST', '/videos', { json: { prompt: 'veo fails', seconds: 8 } });
    await api.fail(f.json.id, { code: 'internal_error', message: 'boom' });
    expect((await api('GET', `/videos/${f.json.id}`)).json).toMatchObject({ status: 'failed', error: { message: 'boom' } });
  }));

  test('durations 4, 6 or 8 (1080p only at 8): a 6 s request renders a real 6 s MP4; other sizes become 16:9', () => withDialect('litellm', { provider: 'gemini' }, async (d, api) => {
    const six = await api('POST', '/videos', { json: { prompt: 'six', seconds: '6', size: '720x1280' } });
    expect(six.status).toBe(200);
    expect(api.job(six.json.id)).toMatchObject({ seconds: '6', size: '720x1280' });
    await api.complete(six.json.id);
    const mp4 = await api('GET', `/videos/${six.json.id}/content`, { raw: true });
    const info = probeMp4(mp4.buffer);
    expect(Math.round(info.duration)).toBe(6);
    expect([info.width, info.height]).toEqual([720, 1280]);
    for (const seconds of ['5', '12']) {
      const r = await api('POST', '/videos', { json: { prompt: 'x', seconds } });
      expect(r.status).toBe(400);
      expect(r.json.error.message).toMatch(/^litellm\.BadRequestError: GeminiException - /);
    }
    expect((await api('POST', '/videos', { json: { prompt: 'x', seconds: '6', resolution: '1080p' } })).status).toBe(400);
    const hd = await api('POST', '/videos', { json: { prompt: 'x', seconds: '8', resolution: '1080p', size: '1280x720' } });
    expect(api.job(hd.json.id).size).toBe('1920x1080');
    const odd = await api('POST', '/videos', { json: { prompt: 'x', size: '1024x1792' } });
    expect(api.job(odd.json.id)).toMatchObject({ size: '1280x720', seconds: '8' });
  }));

  test('the first frame: a URL string, a top-level image_url or an upload (any size) work; an input_reference object is a 400', () => withDialect('litellm', { provider: 'gemini' }, async (d, api) => {
    const url = 'https://example.com/first.png';
    const a = await api('POST', '/videos', { json: { prompt: 'x', input_reference: url } });
    expect(api.job(a.json.id).input_digest).toBe(sha256(url));
    const b = await api('POST', '/videos', { json: { prompt: 'x', image_url: 'http://example.com/other.png' } });
    expect(api.job(b.json.id).input_digest).toBe(sha256('http://example.com/other.png'));
    const png = makePng(64, 48);
    const up = await api('POST', '/videos', { form: pngForm({ prompt: 'upload', seconds: '4' }, png) });
    expect(up.status).toBe(200);
    expect(api.job(up.json.id).input_digest).toBe(sha256(png));
    const obj = await api('POST', '/videos', { json: { prompt: 'x', input_reference: { image_url: url } } });
    expect(obj.status).toBe(400);
    expect(obj.json.error.code).toBe('400');
  }));

  test('remix, list, edits, extensions and characters raise NotImplementedError → 500 (after auth)', () => withDialect('litellm', { provider: 'gemini' }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { prompt: 'x' } });
    await api.complete(c.json.id);
    const form = new FormData();
    form.append('name', 'n');
    form.append('video', new Blob([mp4_4s], { type: 'video/mp4' }), 'c.mp4');
    const calls = [
      api('POST', `/videos/${c.json.id}/remix`, { json: { prompt: 'r' } }),
      api('GET', '/videos'),
      api('POST', '/videos/edits', { json: { prompt: 'e', video: { id: c.json.id } } }),
      api('POST', '/videos/extensions', { json: { prompt: 'e', seconds: '4', video: { id: c.json.id } } }),
      api('POST', '/videos/characters', { form }),
      api('GET', '/videos/characters/char_1'),
    ];
    for (const r of await Promise.all(calls)) {
      expect(r.status).toBe(500);
      expect(r.json.error.message).toMatch(/^litellm\.APIConnectionError: GeminiException - .* not supported by Google Veo/);
    }
    expect((await call('GET', `${d.baseUrl}/videos`)).status).toBe(401);
  }));

  test('CLI: --dialect litellm --provider gemini', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'emulator', 'cli.js'), '--port', '0', '--dialect', 'litellm', '--provider', 'gemini', '--media-mode', 'lazy'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (x) => { out += x; if (out.includes('\n')) resolve(out); });
      child.on('exit', (code) => reject(new Error('cli exited ' + code)));
    });
    const base = line.trim().split(' on ')[1];
    const r = await call('POST', `${base}/videos`, { json: { prompt: 'cli veo', seconds: '6' } });
    expect(r.json).toMatchObject({ status: 'processing', model: 'veo-3.1-generate-preview', usage: { duration_seconds: 6 } });
    const code = await new Promise((resolve) => { child.on('exit', (c) => resolve(c)); child.kill('SIGTERM'); });
    expect(code).toBe(0);
  });
});

describe('dialect: new-api gateway, Sora channel (QuantumNous/new-api)', () => {
  const taskErr = (r, status, code, message) => {
    expect(r.status).toBe(status);
    expect(r.json).toEqual({ code, message: message === undefined ? expect.any(String) : message, data: null });
  };

  test('only POST /videos, GET /videos/:id, GET /videos/:id/content, POST /videos/:id/remix (+ /models); the rest is RelayNotFound', () => withDialect('newapi', { sweepMs: 0 }, async (d, api) => {
    for (const [m, p] of [['GET', '/videos'], ['DELETE', '/videos/task_x'], ['POST', '/videos/edits'], ['POST', '/videos/extensions'], ['POST', '/videos/characters']]) {
      const r = await api(m, p, m === 'POST' ? { json: {} } : {});
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: { message: `Invalid URL (${m} /v1${p})`, type: 'invalid_request_error', param: '', code: '' } });
    }
    const models = await api('GET', '/models');
    expect(models.json.success).toBe(true);
    const denied = await call('GET', `${d.baseUrl}/videos/task_x`, { headers: { authorization: 'Bearer nope' } });
    expect(denied.status).toBe(401);
    expect(denied.json.error).toMatchObject({ type: 'new_api_error', code: '' });
  }));

  test('create checks (TaskSubmitReq): invalid_json for wrong JSON types, missing_model, prompt; then the body goes upstream as sent', () => withDialect('newapi', { sweepMs: 0 }, async (d, api) => {
    taskErr(await api('POST', '/videos', { json: { prompt: 'x' } }), 400, 'missing_model', 'model field is required');
    taskErr(await api('POST', '/videos', { json: { model: 'sora-2', prompt: ' ' } }), 400, 'invalid_request', 'prompt is required');
    taskErr(await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'x', seconds: 8 } }), 400, 'invalid_json',
      'json: cannot unmarshal number into Go struct field TaskSubmitReq.seconds of type string');
    taskErr(await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'x', input_reference: { image_url: 'https://e.com/a.png' } } }), 400, 'invalid_json');
    // `duration` passes the gateway, and the Sora upstream refuses it: fail_to_fetch_task with the upstream's body.
    const dur = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'x', duration: 8 } });
    taskErr(dur, 400, 'fail_to_fetch_task');
    expect(JSON.parse(dur.json.message).error.code).toBe('unknown_parameter');
    // The size check in ValidateMultipartDirect never reads the request's size: the upstream answers.
    const size = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'x', size: '1920x1080' } });
    taskErr(size, 400, 'fail_to_fetch_task');
    expect(d.jobs()).toHaveLength(0);
  }));

  test('create answer: responseTask with the public task id (no prompt, omitempty), the ratios header, no poll hint; multipart works', () => withDialect('newapi', { sweepMs: 0 }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'hidden', seconds: '8', size: '1280x720' } });
    expect(c.status).toBe(200);
    expect(c.json).toEqual({ id: c.json.id, task_id: c.json.id, object: 'video', model: 'sora-2', status: 'queued', progress: 0,
      created_at: expect.any(Number), seconds: '8', size: '1280x720' });
    expect(c.json.id).toMatch(/^task_[0-9a-f]{32}$/);
    expect(c.headers['x-new-api-other-ratios']).toBe('{"seconds":8,"size":1}');
    expect(c.headers['openai-poll-after-ms']).toBeUndefined();
    expect(c.headers['x-oneapi-request-id']).toBeDefined();
    const png = makePng(720, 1280);
    const m = await api('POST', '/videos', { form: pngForm({ model: 'sora-2', prompt: 'multipart' }, png) });
    expect(m.status).toBe(200);
    expect(api.job(m.json.id).input_digest).toBe(sha256(png));
  }));

  test('status moves only at the background sweep: the stored upstream body, queued until swept, progress an integer', () => withDialect('newapi', { sweepMs: 0 }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'swept' } });
    await untilRunning(d, c.json.id);
    const before = await api('GET', `/videos/${c.json.id}`);
    expect(before.json).toMatchObject({ id: c.json.id, status: 'queued', progress: 0, prompt: 'swept' }); // NOT_START: unknown → queued
    expect(before.json).not.toHaveProperty('task_id');
    d.dialect.sweep();
    expect((await api('GET', `/videos/${c.json.id}`)).json).toMatchObject({ status: 'in_progress', progress: 30 });
    await api.complete(c.json.id);
    expect((await api('GET', `/videos/${c.json.id}`)).json.status).toBe('in_progress'); // not swept yet
    d.dialect.sweep();
    const done = await api('GET', `/videos/${c.json.id}`);
    expect(done.json).toMatchObject({ status: 'completed', progress: 100, completed_at: expect.any(Number), expires_at: expect.any(Number) });
    expect(d.dialect.tasks()[0]).toMatchObject({ status: 'SUCCESS', resultUrl: `${d.origin}/v1/videos/${c.json.id}/content` });
    const f = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'fails' } });
    await api.fail(f.json.id, { code: 'moderation_blocked', message: 'blocked' });
    d.dialect.sweep();
    expect((await api('GET', `/videos/${f.json.id}`)).json).toMatchObject({ status: 'failed', progress: 100, error: { message: 'blocked', code: 'moderation_blocked' } });
  }));

  test('unknown task → 400 task_not_exist; remix needs a known origin and passes the rest to the upstream', () => withDialect('newapi', { sweepMs: 0 }, async (d, api) => {
    taskErr(await api('GET', '/videos/task_00000000000000000000000000000000'), 400, 'task_not_exist', 'task_not_exist');
    taskErr(await api('POST', '/videos/task_0/remix', { json: { prompt: 'r' } }), 400, 'task_not_exist', 'task_origin_not_exist');
    const c = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'origin' } });
    taskErr(await api('POST', `/videos/${c.json.id}/remix`, { json: { prompt: 'too early' } }), 400, 'fail_to_fetch_task');
    taskErr(await api('POST', `/videos/${c.json.id}/remix`, { json: {} }), 400, 'invalid_request', 'field prompt is required');
    await api.complete(c.json.id);
    const r = await api('POST', `/videos/${c.json.id}/remix`, { json: { prompt: 'remixed', model: 'sora-2' } });
    expect(r.status).toBe(200);
    expect(r.json.remixed_from_video_id).toBe(d.dialect.internalId(c.json.id)); // the upstream's own id leaks through
  }));

  test('/content: 404 unknown, 400 until the sweep saw SUCCESS, then the upstream MP4 (variant ignored, Range passed); upstream failures are 502', () => withDialect('newapi', { sweepMs: 0 }, async (d, api) => {
    expect((await api('GET', '/videos/task_1/content')).json).toEqual({ error: { message: 'Task not found', type: 'invalid_request_error' } });
    const c = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'download' } });
    await api.complete(c.json.id);
    const early = await api('GET', `/videos/${c.json.id}/content`);
    expect(early.status).toBe(400);
    expect(early.json.error.message).toBe('Task is not completed yet, current status: NOT_START');
    d.dialect.sweep();
    const r = await api('GET', `/videos/${c.json.id}/content?variant=thumbnail`, { raw: true, headers: { range: 'bytes=0-99' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-type']).toBe('video/mp4');
    expect(r.headers['cache-control']).toBe('public, max-age=86400');
    expect(r.buffer.length).toBe(100);
    d.setConfig({ assetTtlSeconds: 0 });
    const gone = await api('GET', `/videos/${c.json.id}/content`);
    expect(gone.status).toBe(502);
    expect(gone.json).toEqual({ error: { message: 'Upstream service returned status 404', type: 'server_error' } });
  }));

  test('the sweep runs by itself every sweepMs', () => withDialect('newapi', { sweepMs: 20 }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { model: 'sora-2', prompt: 'auto' } });
    await api.complete(c.json.id);
    while ((await api('GET', `/videos/${c.json.id}`)).json.status !== 'completed') await sleep(10);
    expect(d.dialect.stats.sweeps).toBeGreaterThan(0);
  }));
});

describe('dialect: new-api gateway, other channels (model/task.go ToOpenAIVideo)', () => {
  test('ToOpenAIVideo: unknown until swept, completed_at from the start, metadata.url; image/duration/metadata taken, extras dropped', () => withDialect('newapi', { channel: 'generic', sweepMs: 0 }, async (d, api) => {
    const url = 'https://example.com/first.png';
    const c = await api('POST', '/videos', { json: { model: 'kling-v2', prompt: 'generic', duration: '5', image: url, metadata: { cfg_scale: 0.5 }, style: 'dropped' } });
    expect(c.status).toBe(200);
    expect(c.headers['x-new-api-other-ratios']).toBe('{}');
    expect(api.job(c.json.id)).toMatchObject({ seconds: '5', input_digest: sha256(url) });
    const before = await api('GET', `/videos/${c.json.id}`);
    expect(before.json).toEqual({ id: c.json.id, object: 'video', model: 'kling-v2', status: 'unknown', progress: 0,
      created_at: expect.any(Number), completed_at: expect.any(Number), metadata: { url: '' } });
    await api.complete(c.json.id);
    d.dialect.sweep();
    const done = await api('GET', `/videos/${c.json.id}`);
    expect(done.json).toMatchObject({ status: 'completed', progress: 100, metadata: { url: `${d.origin}/v1/videos/${c.json.id}/content` } });
    expect((await api('GET', done.json.metadata.url, { raw: true })).headers['content-type']).toBe('video/mp4');
    const f = await api('POST', '/videos', { json: { model: 'kling-v2', prompt: 'fails' } });
    await api.fail(f.json.id, { message: 'vendor said no' });
    d.dialect.sweep();
    const failed = (await api('GET', `/videos/${f.json.id}`)).json;
    expect(failed).toMatchObject({ status: 'failed', metadata: { url: 'vendor said no' } }); // GetResultURL falls back to FailReason
    expect(failed).not.toHaveProperty('error');
    const remix = await api('POST', `/videos/${c.json.id}/remix`, { json: { prompt: 'no model' } });
    expect(remix.json).toEqual({ code: 'missing_model', message: 'model field is required', data: null });
  }));

  test('multipart: form values only (validateMultipartTaskRequest) — an uploaded first frame never reaches the vendor', () => withDialect('newapi', { channel: 'generic', sweepMs: 0 }, async (d, api) => {
    const c = await api('POST', '/videos', { form: pngForm({ model: 'wan2.6-t2v', prompt: 'file dropped', seconds: '5', size: '1280x720' }, makePng(1280, 720)) });
    expect(c.status).toBe(200);
    expect(api.job(c.json.id)).toMatchObject({ seconds: '5', input_digest: null });
    const k = await withDialect('newapi', { channel: 'kling', sweepMs: 0 }, async (dk, apik) => {
      const r = await apik('POST', '/videos', { form: pngForm({ model: 'kling-v2-6', prompt: 'file dropped', seconds: '10', size: '1280x720', negative_prompt: 'blur' }, makePng(1280, 720)) });
      expect(r.status).toBe(200);
      // Duration from `seconds` in a form; unknown form fields become metadata (isKnownTaskField lacks `seconds`, so
      // it lands there too, as a number).
      expect(apik.job(r.json.id)).toMatchObject({ seconds: '10', input_digest: null });
      expect(dk.dialect.stats.lastVendorOptions).toEqual({ negative_prompt: 'blur', seconds: 10 });
    });
    expect(k).toBeUndefined();
  }));

  test('resultUrls "direct": metadata.url is the vendor\'s signed URL on another origin', () => withDialect('newapi', { channel: 'generic', sweepMs: 0, resultUrls: 'direct' }, async (d, api) => {
    const c = await api('POST', '/videos', { json: { model: 'wan-2.5', prompt: 'direct' } });
    await api.complete(c.json.id);
    d.dialect.sweep();
    const { url } = (await api('GET', `/videos/${c.json.id}`)).json.metadata;
    expect(url.startsWith(`${d.dialect.assetOrigin}/signed/`)).toBe(true);
    expect((await call('GET', url, { raw: true })).status).toBe(200);
  }));
});

describe('dialect: OpenRouter (openrouter.ai/docs/api/api-reference/videos)', () => {
  test('create: JSON only, 202 {id, relative polling_url, status pending}; duration an integer the model supports; unknown fields ignored', () => withDialect('openrouter', {}, async (d, api) => {
    const c = await api('POST', '/videos', { json: { model: 'openai/sora-2', prompt: 'or', duration: 8, aspect_ratio: '16:9', seconds: '4', input_reference: { x: 1 } } });
    expect(c.status).toBe(202);
    expect(c.json).toEqual({ id: c.json.id, polling_url: `/api/v1/videos/${c.json.id}`, status: 'pending' });
    expect(api.job(c.json.id)).toMatchObject({ seconds: '8', size: '1280x720', model: 'openai/sora-2' });
    const bad = async (body, part) => {
      const r = await api('POST', '/videos', { json: { model: 'openai/sora-2', prompt: 'x', ...body } });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: { code: 400, message: expect.stringContaining(part) } });
    };
    await bad({ duration: '8' }, 'integer');
    await bad({ duration: 6 }, 'supported: 4, 8, 12');
    await bad({ resolution: '1080p' }, 'resolution');
    await bad({ model: 'sora-2' }, 'not a video generation model');
    expect((await api('POST', '/videos', { form: pngForm({ model: 'openai/sora-2', prompt: 'x' }, makePng(8, 8)) })).status).toBe(400);
  }));

  test('lifecycle: pending → in_progress → completed with signed urls (no key; expire → 403), unsigned_urls (Bearer) and usage.cost', () => withDialect('openrouter', {}, async (d, api) => {
    const c = await api('POST', '/videos', { json: { model: 'google/veo-3.1', prompt: 'veo via openrouter', duration: 6, resolution: '720p', aspect_ratio: '9:16' } });
    await untilRunning(d, c.json.id);
    expect((await api('GET', `/videos/${c.json.id}`)).json).toEqual({ id: c.json.id, polling_url: c.json.polling_url, status: 'in_progress' });
    await api.complete(c.json.id);
    const done = (await api('GET', `/videos/${c.json.id}`)).json;
    expect(done).toMatchObject({ status: 'completed', usage: { cost: 2.4, is_byok: false }, unsigned_urls: [`${d.baseUrl}/videos/${c.json.id}/content?index=0`] });
    const signed = await call('GET', done.urls[0], { raw: true });
    expect(signed.status).toBe(200);
    expect(Math.round(probeMp4(signed.buffer).duration)).toBe(6);
    expect((await call('GET', done.urls[0], { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(400);
    const proxied = await api('GET', `${done.unsigned_urls[0]}&variant=thumbnail`, { raw: true });
    expect(proxied.headers['content-type']).toBe('video/mp4');
    expect((await api('GET', `/videos/${c.json.id}/content?index=1`)).status).toBe(404);
    d.dialect.options.urlTtlSeconds = -1;
    const expired = (await api('GET', `/videos/${c.json.id}`)).json.urls[0];
    expect((await call('GET', expired)).status).toBe(403);
  }));

  test('failed, cancelled and expired jobs carry error as a string', () => withDialect('openrouter', {}, async (d, api) => {
    for (const code of ['internal_error', 'cancelled', 'expired']) {
      const c = await api('POST', '/videos', { json: { model: 'openai/sora-2', prompt: code } });
      await api.fail(c.json.id, { code, message: `it was ${code}` });
      expect((await api('GET', `/videos/${c.json.id}`)).json).toMatchObject({ status: code === 'internal_error' ? 'failed' : code, error: `it was ${code}` });
    }
  }));

  test('GET /videos/models lists capabilities, GET /key checks a key; no list, delete, remix or characters; auth errors', () => withDialect('openrouter', {}, async (d, api) => {
    const models = await api('GET', '/videos/models');
    expect(models.status).toBe(200);
    const veo = models.json.data.find((m) => m.id === 'google/veo-3.1');
    expect(veo).toMatchObject({ supported_durations: [4, 6, 8], supported_frame_images: ['first_frame', 'last_frame'], supported_sizes: null });
    expect((await api('GET', '/key')).json.data).toHaveProperty('limit');
    for (const [m, p] of [['GET', '/videos'], ['DELETE', '/videos/job-1'], ['POST', '/videos/job-1/remix'], ['POST', '/videos/characters']]) {
      expect((await api(m, p, m === 'POST' ? { json: {} } : {})).status).toBe(404);
    }
    expect((await call('GET', `${d.baseUrl}/videos/job-1`)).json).toEqual({ error: { code: 401, message: 'No auth credentials found' } });
    expect((await call('GET', `${d.baseUrl}/videos/job-1`, { headers: { authorization: 'Bearer x' } })).json.error.message).toBe('User not found.');
  }));

  test('frame_images: the first frame (data: URL at any size) is the job\'s input; last_frame only where the model takes it', () => withDialect('openrouter', {}, async (d, api) => {
    const png = makePng(32, 32);
    const frame = (url, frame_type) => ({ type: 'image_url', image_url: { url }, frame_type });
    const c = await api('POST', '/videos', { json: { model: 'google/veo-3.1', prompt: 'frames', frame_images: [frame(`data:image/png;base64,${png.toString('base64')}`, 'first_frame'), frame('https://e.com/last.png', 'last_frame')] } });
    expect(c.status).toBe(202);
    expect(api.job(c.json.id).input_digest).toBe(sha256(png));
    const r = await api('POST', '/videos', { json: { model: 'openai/sora-2', prompt: 'x', frame_images: [frame('https://e.com/l.png', 'last_frame')] } });
    expect(r.status).toBe(400);
  }));
});

describe('dialect: Azure OpenAI v1 (Microsoft Learn, video generation)', () => {
  test('/openai/v1 with api-key or a Bearer token; create, get, list, remix, delete; 4/8/12 s, 720p sizes', () => withDialect('azure', {}, async (d, api) => {
    expect(d.baseUrl).toMatch(/\/openai\/v1$/);
    const c = await api('POST', '/videos', { json: { prompt: 'azure', seconds: '8', size: '1280x720' } });
    expect(c.status).toBe(200);
    expect((await call('GET', `${d.baseUrl}/videos/${c.json.id}`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    const denied = await call('GET', `${d.baseUrl}/videos`, { headers: { 'api-key': 'wrong' } });
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({ error: { code: '401', message: expect.stringContaining('Access denied') } });
    expect((await api('POST', '/videos', { json: { prompt: 'x', seconds: '16' } })).status).toBe(400);
    expect((await api('POST', '/videos', { json: { prompt: 'x', size: '1792x1024', model: 'sora-2-pro' } })).status).toBe(400);
    await api.complete(c.json.id);
    expect((await api('POST', `/videos/${c.json.id}/remix`, { json: { prompt: 'r' } })).status).toBe(200);
    expect((await api('GET', '/videos')).json.data).toHaveLength(2);
    expect((await api('DELETE', `/videos/${c.json.id}`)).json).toMatchObject({ deleted: true });
  }));

  test('input_reference is a file upload only; no characters, edits or extensions', () => withDialect('azure', {}, async (d, api) => {
    const json = await api('POST', '/videos', { json: { prompt: 'x', input_reference: { image_url: 'https://e.com/a.png' } } });
    expect(json.status).toBe(400);
    expect(json.json.error.param).toBe('input_reference');
    const png = makePng(720, 1280);
    const up = await api('POST', '/videos', { form: pngForm({ prompt: 'upload' }, png) });
    expect(up.status).toBe(200);
    expect(api.job(up.json.id).input_digest).toBe(sha256(png));
    for (const p of ['/videos/characters', '/videos/edits', '/videos/extensions']) {
      const r = await api('POST', p, { json: { prompt: 'x' } });
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: { code: '404', message: 'Resource not found' } });
    }
  }));
});

describe('input_digest: which image each video was made from (admin only)', () => {
  test('sha256 of the uploaded or data: URL bytes, or of the URL / file id as given; null without; never in the public API', async () => {
    const png = makePng(720, 1280);
    const up = await call('POST', '/videos', { form: pngForm({ prompt: 'digest upload' }, png) });
    const data = await call('POST', '/videos', { json: { prompt: 'digest data', input_reference: { image_url: `data:image/png;base64,${png.toString('base64')}` } } });
    const url = await call('POST', '/videos', { json: { prompt: 'digest url', input_reference: { image_url: 'https://example.com/a.png' } } });
    const file = await call('POST', '/videos', { json: { prompt: 'digest file', input_reference: { file_id: 'file-9' } } });
    const none = await call('POST', '/videos', { json: { prompt: 'digest none' } });
    const rows = (await admin('GET', '/__emulator/jobs')).json.data;
    const digestOf = (r) => rows.find((j) => j.id === r.json.id).input_digest;
    expect(digestOf(up)).toBe(sha256(png));
    expect(digestOf(data)).toBe(sha256(png));
    expect(digestOf(url)).toBe(sha256('https://example.com/a.png'));
    expect(digestOf(file)).toBe(sha256('file_id:file-9'));
    expect(digestOf(none)).toBeNull();
    expect(emu.jobs().find((j) => j.id === up.json.id).input_digest).toBe(sha256(png));
    expect((await call('GET', `/videos/${up.json.id}`)).json).not.toHaveProperty('input_digest');
  });
});

describe('the video says what it is', () => {
  /** A solid-colour RGB PNG. */
  function solidPng(w, h, [r, g, b]) {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8; ihdr[9] = 2;
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set([r, g, b], 1 + x * 3);
    const raw = Buffer.concat(Array.from({ length: h }, () => row));
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)),
    ]);
  }

  /** The mean RGB of a frame at `seconds`, from ffmpeg scaling it to one pixel. */
  function meanColour(file, seconds) {
    return new Promise((resolve, reject) => {
      execFile(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
        { encoding: 'buffer' }, (err, stdout) => (err ? reject(err) : resolve([...stdout.subarray(0, 3)])));
    });
  }

  test('the caption carries the prompt, model, size and seconds; the same request gives the same bytes', async () => {
    const { captionLines } = require('./emulator/media');
    expect(captionLines({ prompt: 'A lighthouse on a cliff at dusk, waves crash below, gulls call', model: 'sora-2', size: '1280x720', seconds: '8' }))
      .toEqual(['Sora emulator: a test video, not a generated one', 'Prompt: A lighthouse on a cliff at dusk, waves …', 'Model sora-2   1280x720   8 s']);
    await withFreshEmulator({ captions: true }, async () => {
      const one = await completedVideo({ prompt: 'caption check one', seconds: '4', size: '720x1280' });
      const again = await completedVideo({ prompt: 'caption check one', seconds: '4', size: '720x1280' });
      const two = await completedVideo({ prompt: 'caption check two', seconds: '4', size: '720x1280' });
      const sha = async (v) => (await admin('GET', `/__emulator/videos/${v.id}/sha256`)).json.sha256;
      expect(await sha(again)).toBe(await sha(one));
      expect(await sha(two)).not.toBe(await sha(one));
    });
  });

  test('Image to Video opens on the input image', () => withFreshEmulator({ captions: true }, async () => {
    const png = solidPng(720, 1280, [220, 30, 40]);
    const created = await call('POST', '/videos', { form: pngForm({ prompt: 'from a red image', seconds: '4', size: '720x1280' }, png) });
    expect(created.status).toBe(200);
    const done = await waitDone(created.json.id);
    expect(done.status).toBe('completed');
    const r = await call('GET', `/videos/${done.id}/content`, { raw: true });
    const file = tmpFile(`first-frame-${done.id}.mp4`, r.buffer);
    try {
      const [red, green, blue] = await meanColour(file, 0);
      expect(red).toBeGreaterThan(180);
      expect(green).toBeLessThan(70);
      expect(blue).toBeLessThan(80);
      expect((await ffprobe(file)).stderr).toMatch(/Audio: aac/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }));
});
