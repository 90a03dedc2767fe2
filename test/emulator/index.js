'use strict';
// Local emulator of the Sora 2 Videos API (OpenAI `/v1/videos*` contract). Plain CommonJS, Node built-ins + ffmpeg.
// See README.md next to this file for the behaviour, options and admin endpoints.

const http = require('node:http');
const crypto = require('node:crypto');
const { pipeline } = require('node:stream');
const media = require('./media');
const { parseMultipart, formToObject } = require('./multipart');
const { createDialect } = require('./dialects');

const MODERATION_WORD = 'BLOCKED_BY_MODERATION';
const SORA2_MODELS = ['sora-2', 'sora-2-2025-10-06', 'sora-2-2025-12-08'];
const PRO_MODELS = ['sora-2-pro', 'sora-2-pro-2025-10-06'];
const SIZES_720 = ['720x1280', '1280x720'];
const ALL_SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
const SECONDS = ['4', '8', '12', '16', '20'];
const VARIANTS = { video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' };
const VARIANT_EXT = { video: 'mp4', thumbnail: 'webp', spritesheet: 'jpg' };
const ROUTE_NAMES = ['create', 'retrieve', 'list', 'delete', 'content', 'remix', 'edit', 'extend', 'characterCreate', 'characterGet', 'models', 'key'];
const JOB_ROUTES = ['create', 'remix', 'edit', 'extend'];
const MAX_EXTENSIONS = 6;
const MAX_TOTAL_SECONDS = 120;
const CHARACTER_MIN_S = 2;
const CHARACTER_MAX_S = 4;
const CHARACTER_TOLERANCE_S = 0.1; // real encoders overshoot by a few ms (AAC priming)

const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  basePath: '/v1',
  apiKey: null,
  noVideoAccessKeys: [],
  jobMs: 8000,
  queuedMs: 0,
  pollAfterMs: 1000,
  maxRunning: Infinity,
  assetTtlSeconds: 86400,
  padVideoBytes: 0,
  acceptUnknownFields: false,
  acceptNumericSeconds: false,
  ignoreIdempotencyKeys: false,
  faults: {},
  mediaDir: undefined,
  mediaMode: 'eager',
  maxBodyBytes: 256 * 1024 * 1024,
  random: Math.random,
  log: null,
});

// ---------------------------------------------------------------------------------------------------------------
// helpers

class ApiError extends Error {
  constructor(status, message, { param = null, code = null, type = 'invalid_request_error', headers } = {}) {
    super(message);
    this.status = status;
    this.param = param;
    this.code = code;
    this.type = type;
    this.headers = headers;
  }
  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const bad = (message, param, code) => new ApiError(400, message, { param: param ?? null, code: code ?? null });

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  return 'an object';
}

function oxford(list, conj = 'and') {
  const q = list.map((x) => `'${x}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} ${conj} ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, ${conj} ${q[q.length - 1]}`;
}

let idSeq = 0;
/** Ids sort lexicographically in creation order: 12 hex ms timestamp + 6 hex sequence + random. */
function newId(prefix) {
  idSeq = (idSeq + 1) % 0xffffff;
  return `${prefix}_${Date.now().toString(16).padStart(12, '0')}${idSeq.toString(16).padStart(6, '0')}${crypto.randomBytes(7).toString('hex')}`;
}

const nowSec = (ms = Date.now()) => Math.floor(ms / 1000);

function isSora2Family(model) { return SORA2_MODELS.includes(model); }
function allowedSizes(model) { return isSora2Family(model) ? SIZES_720 : ALL_SIZES; }

function emptyStats() {
  return {
    acceptedCreates: 0,
    acceptedJobs: 0,
    accepted: { create: 0, remix: 0, edit: 0, extend: 0 },
    idempotentReplays: 0,
    charactersCreated: 0,
    requests: {},
    faultsInjected: {},
  };
}

function publicConfig(config) {
  const out = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'apiKey') { out.apiKeySet = !!v; continue; }
    if (k === 'noVideoAccessKeys') { out.noVideoAccessKeys = Array.isArray(v) ? v.length : 0; continue; }
    if (k === 'random' || k === 'log') continue;
    if (typeof v === 'function') out[k] = 'function';
    else if (v === Infinity) out[k] = 'Infinity';
    else out[k] = v;
  }
  return out;
}

function normalizeConfig(partial) {
  const out = {};
  for (const [k, v] of Object.entries(partial || {})) {
    if (v === undefined) continue;
    if (k === 'maxRunning' && (v === null || v === 'Infinity')) out[k] = Infinity;
    else if (k === 'faults') out[k] = { ...(v || {}) };
    else out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

async function startEmulator(options = {}) {
  // Dialect mode (dialects.js): the same server, spoken like Azure, LiteLLM, a new-api gateway or OpenRouter.
  const dialect = options.dialect ? createDialect(options.dialect, options.dialectOptions, ApiError) : null;
  const config = { ...DEFAULTS, ...(dialect ? dialect.defaults : {}), ...normalizeConfig(options) };
  const mediaStore = media.createMediaStore({ mediaDir: config.mediaDir, ffmpegPath: config.ffmpegPath });
  let stats = emptyStats();
  const jobs = new Map(); // id -> job (insertion order = creation order)
  const characters = new Map();
  const idempotency = new Map(); // `${route}:${key}` -> video id
  const shaCache = new Map();
  let faultsUsed = 0;

  const log = (...args) => {
    if (typeof config.log === 'function') config.log(...args);
    else if (config.log) console.error('[sora-emulator]', ...args);
  };

  // ---------------- scheduler ----------------

  function jobDuration(job) {
    let ms = config.jobMs;
    if (typeof ms === 'function') {
      try { ms = ms(view(job)); } catch { ms = DEFAULTS.jobMs; }
    }
    ms = Number(ms);
    return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULTS.jobMs;
  }

  function setTimer(job, ms, fn) {
    clearTimeout(job.timer);
    job.timer = setTimeout(fn, ms);
    if (job.timer.unref) job.timer.unref();
  }

  function pump() {
    let running = 0;
    for (const j of jobs.values()) if (j.status === 'in_progress') running++;
    const max = config.maxRunning == null ? Infinity : Number(config.maxRunning);
    for (const job of jobs.values()) {
      if (running >= max) break;
      if (job.status !== 'queued' || !job.eligible) continue;
      const duration = jobDuration(job); // the callback sees the job still queued
      job.status = 'in_progress';
      job.startedAtMs = Date.now();
      job.durationMs = duration;
      running++;
      setTimer(job, job.durationMs, () => finish(job));
    }
  }

  function finish(job) {
    if (!jobs.has(job.id) || job.status !== 'in_progress') return;
    const t = Date.now();
    if (job.prompt && job.prompt.includes(MODERATION_WORD)) {
      job.status = 'failed';
      job.error = { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' };
      job.completedAtMs = t;
    } else if (job.mediaError) {
      job.status = 'failed';
      job.error = { code: 'internal_error', message: 'Video generation failed (emulator could not render the media).' };
      job.completedAtMs = t;
    } else {
      job.status = 'completed';
      job.completedAtMs = t;
    }
    log(`job ${job.id} -> ${job.status}`);
    pump();
  }

  function createJob(route, { model, prompt, size, seconds, remixedFrom = null, extensionCount = 0, characterIds = [] }) {
    const job = {
      id: newId('video'),
      route,
      model,
      prompt,
      size,
      seconds: String(seconds),
      status: 'queued',
      eligible: false,
      createdAtMs: Date.now(),
      startedAtMs: null,
      completedAtMs: null,
      durationMs: null,
      error: null,
      remixed_from_video_id: remixedFrom,
      extensionCount,
      characterIds,
      timer: null,
      media: null,
      mediaError: null,
    };
    if (config.mediaMode !== 'lazy') startMedia(job);
    jobs.set(job.id, job);
    stats.acceptedJobs++;
    stats.accepted[route] = (stats.accepted[route] || 0) + 1;
    if (route === 'create') stats.acceptedCreates++;
    // A job is always `queued` in the create response; it becomes eligible to run after queuedMs (at least one tick).
    const q = Math.max(0, Number(config.queuedMs) || 0);
    setTimer(job, q, () => { job.eligible = true; pump(); });
    return job;
  }

  function startMedia(job) {
    if (!job.media) {
      job.media = mediaStore.ensureAll(job.size, job.seconds);
      job.media.catch((err) => { job.mediaError = err; log('media generation failed', err.message); });
    }
    return job.media;
  }

  function isExpired(job) {
    return job.status === 'completed' && Date.now() >= job.completedAtMs + Number(config.assetTtlSeconds) * 1000;
  }

  function view(job) {
    let progress = 0;
    if (job.status === 'in_progress') {
      const frac = job.durationMs > 0 ? (Date.now() - job.startedAtMs) / job.durationMs : 1;
      progress = Math.max(0, Math.min(99, Math.floor(frac * 100)));
    } else if (job.status === 'completed' || job.status === 'failed') {
      progress = 100;
    }
    const done = job.completedAtMs != null;
    return {
      id: job.id,
      object: 'video',
      model: job.model,
      status: job.status,
      progress,
      created_at: nowSec(job.createdAtMs),
      completed_at: done ? nowSec(job.completedAtMs) : null,
      expires_at: job.status === 'completed' ? Math.floor(job.completedAtMs / 1000 + Number(config.assetTtlSeconds)) : null,
      prompt: job.prompt,
      size: job.size,
      seconds: job.seconds,
      remixed_from_video_id: job.remixed_from_video_id,
      error: job.error,
    };
  }

  // ---------------- faults ----------------

  function rollFault(kind, route, prob) {
    const f = config.faults || {};
    const p = prob !== undefined ? prob : Number(f[kind]) || 0;
    if (!(p > 0)) return false;
    if (Array.isArray(f.scope) && f.scope.length && !f.scope.includes(route)) return false;
    const budget = f.budget === undefined || f.budget === null ? Infinity : Number(f.budget);
    if (faultsUsed >= budget) return false;
    if (!(config.random() < p)) return false;
    faultsUsed++;
    stats.faultsInjected[kind] = (stats.faultsInjected[kind] || 0) + 1;
    log(`fault ${kind} on ${route}`);
    return true;
  }

  // ---------------- HTTP plumbing ----------------

  function baseHeaders(extra) {
    return {
      'x-request-id': 'req_' + crypto.randomBytes(12).toString('hex'),
      'openai-processing-ms': '1',
      ...extra,
    };
  }

  function sendJson(res, status, obj, extraHeaders = {}, ctx = {}) {
    if (res.destroyed || res.headersSent) return;
    if (dialect) ({ status, obj, headers: extraHeaders } = dialect.outgoing(ctx.route, status, obj, extraHeaders));
    let body = JSON.stringify(obj);
    if (ctx.lostResponse) {
      res.socket && res.socket.destroy();
      return;
    }
    if (ctx.acceptedThen5xx) { // a proxy gave up after the upstream accepted the job
      const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (status === 200 && ctx.route && rollFault('malformedJson', ctx.route)) {
      body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    }
    res.writeHead(status, baseHeaders({
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...extraHeaders,
    }));
    res.end(body);
  }

  function sendError(res, err, ctx) {
    if (!(err instanceof ApiError)) {
      log('internal error', err && err.stack);
      err = new ApiError(500, 'The server had an error while processing your request. Sorry about that!', { type: 'server_error' });
    }
    sendJson(res, err.status, err.toJSON(), err.headers || {}, { ...ctx, route: null });
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > config.maxBodyBytes) {
          // Answer 413 (the rest of the upload is drained, not kept) instead of resetting the connection.
          reject(new ApiError(413, `Request body too large (limit ${config.maxBodyBytes} bytes).`, { code: 'request_too_large' }));
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  /** Parses the body, then lets a dialect translate its fields into the OpenAI spelling. */
  async function parseBody(req, opts) {
    const parsed = await parseBodyAsSent(req, opts);
    return dialect ? dialect.body(req.soraRoute, parsed) : parsed;
  }

  /** Parses JSON or multipart. Returns {kind:'json'|'multipart', fields, files, names} */
  async function parseBodyAsSent(req, { multipartOnly = false } = {}) {
    const ct = String(req.headers['content-type'] || '').toLowerCase();
    const raw = await readBody(req);
    if (ct.startsWith('multipart/form-data')) {
      let parts;
      try { parts = parseMultipart(raw, req.headers['content-type']); } catch (e) {
        throw bad(`Could not parse multipart/form-data body: ${e.message}.`, null, 'invalid_multipart');
      }
      const { fields, files, topLevelNames } = formToObject(parts);
      return { kind: 'multipart', fields, files, names: topLevelNames };
    }
    if (multipartOnly) {
      throw bad("This endpoint requires a multipart/form-data request body with a 'video' file and a 'name'.", null, 'invalid_content_type');
    }
    if (raw.length === 0) return { kind: 'json', fields: {}, files: {}, names: [] };
    let parsed;
    try { parsed = JSON.parse(raw.toString('utf8')); } catch {
      throw bad('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw bad(`Invalid type for request body: expected an object, but got ${typeName(parsed)} instead.`, null, 'invalid_type');
    }
    return { kind: 'json', fields: parsed, files: {}, names: Object.keys(parsed) };
  }

  function checkUnknown(body, allowed) {
    if (config.acceptUnknownFields) return;
    for (const name of body.names) {
      if (!allowed.includes(name)) throw bad(`Unknown parameter: '${name}'.`, name, 'unknown_parameter');
    }
  }

  function checkAuth(req) {
    if (dialect) return dialect.checkAuth(req, config.apiKey);
    if (!config.apiKey) return;
    const auth = String(req.headers.authorization || '');
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    const given = m ? m[1].trim() : req.headers['api-key'] ? String(req.headers['api-key']).trim() : null;
    const ok = given != null && given.length === String(config.apiKey).length &&
      crypto.timingSafeEqual(Buffer.from(given), Buffer.from(String(config.apiKey)));
    if (!ok) throw new ApiError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
  }

  /** A key in `noVideoAccessKeys` is known to the server but may not use videos: 403 on every API route. */
  function hasNoVideoAccess(req) {
    const keys = Array.isArray(config.noVideoAccessKeys) ? config.noVideoAccessKeys.map(String) : [];
    if (!keys.length) return false;
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization || ''));
    const given = [bearer && bearer[1].trim(), req.headers['api-key'], req.headers['x-litellm-api-key']].filter(Boolean).map((k) => String(k).trim());
    return given.some((k) => keys.includes(k));
  }

  function getJob(id) {
    const job = jobs.get(id);
    if (!job) throw new ApiError(404, `Video with id '${id}' not found.`, { param: 'video_id', code: 'video_not_found' });
    return job;
  }

  // ---------------- validation ----------------

  function validatePrompt(v) {
    if (v === undefined || v === null) throw bad("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
    if (typeof v !== 'string') throw bad(`Invalid type for 'prompt': expected a string, but got ${typeName(v)} instead.`, 'prompt', 'invalid_type');
    if (v.length < 1) throw bad("Invalid 'prompt': string too short. Expected a string with minimum length 1, but got an empty string instead.", 'prompt', 'string_below_min_length');
    if (v.length > 32000) throw bad(`Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got a string with length ${v.length} instead.`, 'prompt', 'string_above_max_length');
    return v;
  }

  function validateModel(v, fallback = 'sora-2') {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw bad(`Invalid type for 'model': expected a string, but got ${typeName(v)} instead.`, 'model', 'invalid_type');
    if (!v.trim()) throw bad("Invalid 'model': string too short. Expected a string with minimum length 1, but got an empty string instead.", 'model', 'string_below_min_length');
    return v;
  }

  function validateSeconds(v, { required = false, fallback = '4' } = {}) {
    if (v === undefined || v === null) {
      if (required) throw bad("Missing required parameter: 'seconds'.", 'seconds', 'missing_required_parameter');
      return fallback;
    }
    if (typeof v === 'number' && config.acceptNumericSeconds) v = String(v);
    if (typeof v !== 'string') {
      throw bad(`Invalid type for 'seconds': expected one of ${oxford(SECONDS, 'or')}, but got ${typeName(v)} instead.`, 'seconds', 'invalid_type');
    }
    if (!SECONDS.includes(v)) throw bad(`Invalid value: '${v}'. Supported values are: ${oxford(SECONDS)}.`, 'seconds', 'invalid_value');
    return v;
  }

  function validateSize(v, model) {
    if (v === undefined || v === null) return '720x1280';
    if (typeof v !== 'string') throw bad(`Invalid type for 'size': expected a string, but got ${typeName(v)} instead.`, 'size', 'invalid_type');
    const allowed = allowedSizes(model);
    if (!allowed.includes(v)) {
      const known = SORA2_MODELS.includes(model) || PRO_MODELS.includes(model);
      throw bad(
        `Invalid value: '${v}'. Supported values${known ? ` for model '${model}'` : ''} are: ${oxford(allowed)}.`,
        'size', 'invalid_value');
    }
    return v;
  }

  function checkImage(buf, size, param) {
    const info = media.detectImage(buf);
    if (!info) {
      throw bad("Invalid file format for 'input_reference'. Supported formats are: 'image/jpeg', 'image/png', and 'image/webp'.", param, 'invalid_image_format');
    }
    if (!info.width || !info.height) throw bad(`Could not read the dimensions of '${param}'.`, param, 'invalid_image');
    if (`${info.width}x${info.height}` !== size) {
      throw bad('Inpaint image must match the requested width and height', param, 'invalid_value');
    }
    return info;
  }

  function validateInputReference(body, size) {
    const file = body.files.input_reference;
    if (file) return { kind: 'file', ...checkImage(file.data, size, 'input_reference') };
    let v = body.fields.input_reference;
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') {
      try { v = JSON.parse(v); } catch {
        throw bad(`Invalid type for 'input_reference': expected a file or an object, but got a string instead.`, 'input_reference', 'invalid_type');
      }
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      throw bad(`Invalid type for 'input_reference': expected an object, but got ${typeName(v)} instead.`, 'input_reference', 'invalid_type');
    }
    for (const k of Object.keys(v)) {
      if (k !== 'image_url' && k !== 'file_id') throw bad(`Unknown parameter: 'input_reference.${k}'.`, `input_reference.${k}`, 'unknown_parameter');
    }
    const hasUrl = v.image_url !== undefined && v.image_url !== null;
    const hasFile = v.file_id !== undefined && v.file_id !== null;
    if (hasUrl === hasFile) {
      throw bad("Invalid 'input_reference': provide exactly one of 'image_url' or 'file_id'.", 'input_reference', 'invalid_value');
    }
    if (hasFile) {
      if (typeof v.file_id !== 'string' || !v.file_id) throw bad(`Invalid type for 'input_reference.file_id': expected a string, but got ${typeName(v.file_id)} instead.`, 'input_reference.file_id', 'invalid_type');
      return { kind: 'file_id', file_id: v.file_id };
    }
    const url = v.image_url;
    if (typeof url !== 'string') throw bad(`Invalid type for 'input_reference.image_url': expected a string, but got ${typeName(url)} instead.`, 'input_reference.image_url', 'invalid_type');
    if (url.startsWith('data:')) {
      const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
      if (!m) throw bad("Invalid 'input_reference.image_url': malformed data URL.", 'input_reference.image_url', 'invalid_value');
      const isB64 = /;base64/i.test(m[2]);
      const buf = isB64 ? Buffer.from(m[3], 'base64') : Buffer.from(decodeURIComponent(m[3]), 'latin1');
      return { kind: 'data_url', ...checkImage(buf, size, 'input_reference.image_url') };
    }
    if (/^https:\/\/[^\s/]+/i.test(url)) return { kind: 'url', url };
    throw bad("Invalid 'input_reference.image_url': expected an https URL or a base64-encoded data URL.", 'input_reference.image_url', 'invalid_value');
  }

  function validateCharacters(v) {
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') {
      try { v = JSON.parse(v); } catch {
        throw bad("Invalid type for 'characters': expected an array, but got a string instead.", 'characters', 'invalid_type');
      }
    }
    if (!Array.isArray(v)) throw bad(`Invalid type for 'characters': expected an array, but got ${typeName(v)} instead.`, 'characters', 'invalid_type');
    if (v.length > 2) throw bad(`Invalid 'characters': array too long. Expected an array with maximum length 2, but got an array with length ${v.length} instead.`, 'characters', 'array_above_max_length');
    return v.map((c, i) => {
      const id = typeof c === 'string' ? c : c && typeof c === 'object' ? c.id : undefined;
      if (typeof id !== 'string' || !id) throw bad(`Missing required parameter: 'characters[${i}].id'.`, `characters[${i}].id`, 'missing_required_parameter');
      if (!characters.has(id)) throw bad(`Character '${id}' not found.`, `characters[${i}].id`, 'character_not_found');
      return id;
    });
  }

  /** `video` reference: {id} object, JSON string, bare id string, or an uploaded MP4 file. */
  function resolveVideoRef(body) {
    const file = body.files.video;
    if (file) {
      const info = media.probeMp4(file.data);
      if (!info.isMp4) throw bad("Invalid file format for 'video'. Supported format is: 'video/mp4'.", 'video', 'invalid_video_format');
      return { kind: 'file', info };
    }
    let v = body.fields.video;
    if (v === undefined || v === null) throw bad("Missing required parameter: 'video'.", 'video', 'missing_required_parameter');
    if (typeof v === 'string') {
      try { v = JSON.parse(v); } catch { v = { id: v }; }
    }
    if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.id !== 'string' || !v.id) {
      throw bad("Invalid 'video': expected an object with an 'id' of a completed video.", 'video', 'invalid_type');
    }
    for (const k of Object.keys(v)) {
      if (k !== 'id' && !config.acceptUnknownFields) throw bad(`Unknown parameter: 'video.${k}'.`, `video.${k}`, 'unknown_parameter');
    }
    const job = jobs.get(v.id);
    if (!job) throw new ApiError(404, `Video with id '${v.id}' not found.`, { param: 'video.id', code: 'video_not_found' });
    return { kind: 'job', job };
  }

  function requireCompleted(job, what) {
    if (job.status !== 'completed') {
      throw bad(`Video '${job.id}' is ${job.status}; only completed videos can be ${what}.`, 'video_id', 'invalid_video_status');
    }
  }

  function sizeFromUpload(info) {
    const w = info.width, h = info.height;
    if (w && h && w % 2 === 0 && h % 2 === 0 && w <= 4096 && h <= 4096) return `${w}x${h}`;
    return '720x1280';
  }
  function secondsFromUpload(info) {
    const d = Math.round(info.duration || 4);
    return String(Math.max(1, Math.min(MAX_TOTAL_SECONDS, d)));
  }

  function pollHeaders() {
    const p = Number(config.pollAfterMs);
    return Number.isFinite(p) && p >= 0 ? { 'openai-poll-after-ms': String(Math.round(p)) } : {};
  }

  function idempotent(req, route, fn) {
    const key = config.ignoreIdempotencyKeys ? undefined : req.headers['idempotency-key'];
    if (key) {
      const existing = idempotency.get(`${route}:${key}`);
      if (existing && jobs.has(existing)) {
        stats.idempotentReplays++;
        return { job: jobs.get(existing), replay: true };
      }
    }
    const job = fn();
    if (key) idempotency.set(`${route}:${key}`, job.id);
    return { job, replay: false };
  }

  // ---------------- route handlers ----------------

  const handlers = {
    async create(req, res, ctx) {
      const body = await parseBody(req);
      checkUnknown(body, ['prompt', 'model', 'seconds', 'size', 'input_reference', 'characters']);
      const f = body.fields;
      const prompt = validatePrompt(f.prompt);
      const model = validateModel(f.model);
      const seconds = validateSeconds(f.seconds);
      const size = validateSize(f.size, model);
      validateInputReference(body, size);
      const characterIds = validateCharacters(f.characters);
      const { job, replay } = idempotent(req, 'create', () => createJob('create', { model, prompt, size, seconds, characterIds }));
      sendJson(res, 200, view(job), { ...pollHeaders(), ...(replay ? { 'idempotent-replayed': 'true' } : {}) }, ctx);
    },

    async retrieve(req, res, ctx, { id }) {
      sendJson(res, 200, view(getJob(id)), pollHeaders(), ctx);
    },

    async list(req, res, ctx, params, url) {
      const q = url.searchParams;
      let limit = 20;
      if (q.has('limit')) {
        const raw = q.get('limit');
        if (!/^\d+$/.test(raw)) throw bad(`Invalid type for 'limit': expected an integer, but got a string instead.`, 'limit', 'invalid_type');
        limit = Number(raw);
        if (limit > 100) throw bad(`Invalid 'limit': integer above maximum value. Expected a value <= 100, but got ${limit} instead.`, 'limit', 'integer_above_max_value');
      }
      const order = q.has('order') ? q.get('order') : 'desc';
      if (order !== 'asc' && order !== 'desc') throw bad(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value');
      // ids sort in creation order, which equals (created_at, id) order.
      let all = [...jobs.values()].map((j) => j.id).sort();
      if (order === 'desc') all.reverse();
      const after = q.get('after');
      if (after) all = all.filter((id) => (order === 'desc' ? id < after : id > after));
      const page = all.slice(0, limit);
      const data = page.map((id) => view(jobs.get(id)));
      sendJson(res, 200, {
        object: 'list',
        data,
        first_id: data.length ? data[0].id : null,
        last_id: data.length ? data[data.length - 1].id : null,
        has_more: all.length > page.length,
      }, {}, ctx);
    },

    async delete(req, res, ctx, { id }) {
      const job = getJob(id);
      if (job.status !== 'completed' && job.status !== 'failed') {
        throw bad(`Video '${id}' is ${job.status} and cannot be deleted until it has completed or failed.`, 'video_id', 'invalid_video_status');
      }
      clearTimeout(job.timer);
      jobs.delete(id);
      sendJson(res, 200, { id, object: 'video.deleted', deleted: true }, {}, ctx);
    },

    async content(req, res, ctx, { id }, url) {
      const job = getJob(id);
      const variant = url.searchParams.get('variant') || 'video';
      if (!VARIANTS[variant]) throw bad(`Invalid value: '${variant}'. Supported values are: ${oxford(Object.keys(VARIANTS))}.`, 'variant', 'invalid_value');
      if (job.status === 'failed') throw bad(`Video '${id}' failed to generate; there is no content to download.`, 'video_id', 'video_generation_failed');
      if (job.status !== 'completed') throw bad(`Video '${id}' is not ready yet (status: ${job.status}). Poll GET /videos/${id} until it is completed.`, 'video_id', 'video_not_ready');
      if (isExpired(job)) throw new ApiError(404, `The assets for video '${id}' have expired and are no longer available.`, { param: 'video_id', code: 'video_expired' });
      const vf = await assetFor(job, variant);
      if (res.destroyed) return;
      const total = vf.size;
      let start = 0, end = total - 1, status = 200;
      const range = req.headers.range;
      const headers = baseHeaders({
        'content-type': VARIANTS[variant],
        'accept-ranges': 'bytes',
        'content-disposition': `attachment; filename="${id}.${VARIANT_EXT[variant]}"`,
      });
      if (range) {
        const m = /^bytes=(\d*)-(\d*)$/.exec(String(range).trim());
        if (m && (m[1] !== '' || m[2] !== '')) {
          if (m[1] === '') { // suffix range
            const n = Number(m[2]);
            start = Math.max(0, total - n);
          } else {
            start = Number(m[1]);
            if (m[2] !== '') end = Math.min(Number(m[2]), total - 1);
          }
          if (start >= total || start > end) {
            res.writeHead(416, { ...headers, 'content-range': `bytes */${total}`, 'content-type': 'application/json' });
            res.end(JSON.stringify(new ApiError(416, 'Requested range not satisfiable.', { code: 'range_not_satisfiable' }).toJSON()));
            return;
          }
          status = 206;
          headers['content-range'] = `bytes ${start}-${end}/${total}`;
        }
      }
      const length = end - start + 1;
      headers['content-length'] = String(length);
      if (req.method === 'HEAD') { res.writeHead(status, headers); res.end(); return; }
      if (rollFault('resetDuringBody', 'content')) {
        res.writeHead(status, headers);
        const cut = Math.max(1, Math.min(Math.floor(length / 2), 64 * 1024));
        const s = vf.stream(start, start + cut - 1);
        s.on('data', (c) => res.write(c));
        s.on('end', () => setTimeout(() => res.socket && res.socket.destroy(), 20));
        s.on('error', () => res.socket && res.socket.destroy());
        return;
      }
      res.writeHead(status, headers);
      pipeline(vf.stream(start, end), res, () => {});
    },

    async remix(req, res, ctx, { id }) {
      const source = getJob(id);
      const body = await parseBody(req);
      checkUnknown(body, ['prompt']);
      const prompt = validatePrompt(body.fields.prompt);
      requireCompleted(source, 'remixed');
      const { job, replay } = idempotent(req, `remix:${id}`, () => createJob('remix', {
        model: source.model, prompt, size: source.size, seconds: source.seconds, remixedFrom: source.id,
      }));
      sendJson(res, 200, view(job), { ...pollHeaders(), ...(replay ? { 'idempotent-replayed': 'true' } : {}) }, ctx);
    },

    async edit(req, res, ctx) {
      const body = await parseBody(req);
      checkUnknown(body, ['prompt', 'video', 'model']);
      const prompt = validatePrompt(body.fields.prompt);
      const ref = resolveVideoRef(body);
      let spec;
      if (ref.kind === 'job') {
        requireCompleted(ref.job, 'edited');
        spec = { model: validateModel(body.fields.model, ref.job.model), size: ref.job.size, seconds: ref.job.seconds, remixedFrom: ref.job.id };
      } else {
        spec = { model: validateModel(body.fields.model), size: sizeFromUpload(ref.info), seconds: secondsFromUpload(ref.info) };
      }
      const { job, replay } = idempotent(req, 'edit', () => createJob('edit', { ...spec, prompt }));
      sendJson(res, 200, view(job), { ...pollHeaders(), ...(replay ? { 'idempotent-replayed': 'true' } : {}) }, ctx);
    },

    async extend(req, res, ctx) {
      const body = await parseBody(req);
      if (body.names.includes('characters')) throw bad('Characters are not supported for video extensions.', 'characters', 'unsupported_parameter');
      if (body.names.includes('input_reference')) throw bad('Image references are not supported for video extensions.', 'input_reference', 'unsupported_parameter');
      checkUnknown(body, ['prompt', 'seconds', 'video']);
      const prompt = validatePrompt(body.fields.prompt);
      const ref = resolveVideoRef(body);
      const seconds = validateSeconds(body.fields.seconds, { required: true });
      let base, model, size, count;
      if (ref.kind === 'job') {
        requireCompleted(ref.job, 'extended');
        base = Number(ref.job.seconds);
        model = ref.job.model;
        size = ref.job.size;
        count = ref.job.extensionCount;
      } else {
        base = Number(secondsFromUpload(ref.info));
        model = 'sora-2';
        size = sizeFromUpload(ref.info);
        count = 0;
      }
      if (count + 1 > MAX_EXTENSIONS) {
        throw bad(`Video has already been extended ${count} times; a video can be extended at most ${MAX_EXTENSIONS} times.`, 'video', 'extension_limit_exceeded');
      }
      const total = base + Number(seconds);
      if (total > MAX_TOTAL_SECONDS) {
        throw bad(`Extending by ${seconds} seconds would make the video ${total} seconds long; the maximum total duration is ${MAX_TOTAL_SECONDS} seconds.`, 'seconds', 'duration_limit_exceeded');
      }
      const { job, replay } = idempotent(req, 'extend', () => createJob('extend', {
        model, prompt, size, seconds: String(total), extensionCount: count + 1,
      }));
      sendJson(res, 200, view(job), { ...pollHeaders(), ...(replay ? { 'idempotent-replayed': 'true' } : {}) }, ctx);
    },

    async characterCreate(req, res, ctx) {
      const body = await parseBody(req, { multipartOnly: true });
      checkUnknown(body, ['video', 'name']);
      const name = body.fields.name;
      if (name === undefined) throw bad("Missing required parameter: 'name'.", 'name', 'missing_required_parameter');
      if (typeof name !== 'string' || name.length < 1) throw bad("Invalid 'name': string too short. Expected a string with minimum length 1, but got an empty string instead.", 'name', 'string_below_min_length');
      if (name.length > 80) throw bad(`Invalid 'name': string too long. Expected a string with maximum length 80, but got a string with length ${name.length} instead.`, 'name', 'string_above_max_length');
      const file = body.files.video;
      if (!file) throw bad("Missing required parameter: 'video' (an MP4 file).", 'video', 'missing_required_parameter');
      const info = media.probeMp4(file.data);
      if (!info.isMp4) throw bad("Invalid file format for 'video'. Supported format is: 'video/mp4'.", 'video', 'invalid_video_format');
      if (info.duration == null) throw bad("Could not read the duration of 'video' (no moov/mvhd box).", 'video', 'invalid_video');
      if (info.duration < CHARACTER_MIN_S - CHARACTER_TOLERANCE_S || info.duration > CHARACTER_MAX_S + CHARACTER_TOLERANCE_S) {
        throw bad(`Character videos must be between ${CHARACTER_MIN_S} and ${CHARACTER_MAX_S} seconds long, but the uploaded video is ${info.duration.toFixed(2)} seconds.`, 'video', 'invalid_video_duration');
      }
      const character = { id: newId('char'), object: 'character', name, created_at: nowSec() };
      characters.set(character.id, character);
      stats.charactersCreated++;
      sendJson(res, 200, character, {}, ctx);
    },

    async characterGet(req, res, ctx, { id }) {
      const c = characters.get(id);
      if (!c) throw new ApiError(404, `Character with id '${id}' not found.`, { param: 'character_id', code: 'character_not_found' });
      sendJson(res, 200, c, {}, ctx);
    },

    async models(req, res, ctx) {
      const created = 1759708800; // 2025-10-06
      const data = ['sora-2', 'sora-2-pro'].map((id) => ({ id, object: 'model', created, owned_by: 'system' }));
      sendJson(res, 200, { object: 'list', data }, {}, ctx);
    },

    /** OpenRouter's GET /api/v1/key: what the key may spend. */
    async key(req, res, ctx) {
      sendJson(res, 200, { data: { label: 'sk-or-v1-…emu', limit: null, limit_remaining: null, usage: 0, is_free_tier: false, rate_limit: { requests: 100, interval: '10s' } } }, {}, ctx);
    },
  };

  async function assetFor(job, variant) {
    let paths;
    try { paths = await startMedia(job); } catch (err) {
      throw new ApiError(500, `The emulator could not render media: ${err.message}`, { type: 'server_error' });
    }
    if (variant === 'video') return media.paddedMp4(paths.video, Number(config.padVideoBytes) || 0);
    return media.fileAsVirtual(paths[variant]);
  }

  function matchRoute(method, sub) {
    const seg = sub.split('/').filter(Boolean).map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
    const M = method === 'HEAD' ? 'GET' : method;
    // Read-only endpoints credential tests use: GET /models (every mode), GET /key (OpenRouter only).
    if (seg.length === 1 && seg[0] === 'models' && M === 'GET') return { name: 'models', params: {} };
    if (seg.length === 1 && seg[0] === 'key' && M === 'GET' && dialect && dialect.name === 'openrouter') return { name: 'key', params: {} };
    if (seg[0] !== 'videos') return null;
    if (seg.length === 1) {
      if (M === 'POST') return { name: 'create', params: {} };
      if (M === 'GET') return { name: 'list', params: {} };
      return null;
    }
    if (seg[1] === 'characters') {
      if (seg.length === 2 && M === 'POST') return { name: 'characterCreate', params: {} };
      if (seg.length === 3 && M === 'GET') return { name: 'characterGet', params: { id: seg[2] } };
      return null;
    }
    if (seg.length === 2 && seg[1] === 'edits' && M === 'POST') return { name: 'edit', params: {} };
    if (seg.length === 2 && seg[1] === 'extensions' && M === 'POST') return { name: 'extend', params: {} };
    if (seg.length === 2 && M === 'GET') return { name: 'retrieve', params: { id: seg[1] } };
    if (seg.length === 2 && M === 'DELETE') return { name: 'delete', params: { id: seg[1] } };
    if (seg.length === 3 && seg[2] === 'content' && M === 'GET') return { name: 'content', params: { id: seg[1] } };
    if (seg.length === 3 && seg[2] === 'remix' && M === 'POST') return { name: 'remix', params: { id: seg[1] } };
    return null;
  }

  // ---------------- admin ----------------

  /** Admin endpoints take the emulator's own id or, in a dialect mode, the id the dialect hands out. */
  const adminId = (id) => (dialect && !jobs.has(id) ? dialect.internalId(id) : id);

  async function admin(req, res, url) {
    const p = url.pathname.replace(/\/+$/, '');
    const json = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    try {
      if (p === '/__emulator/stats' && req.method === 'GET') return json(200, stats);
      if (p === '/__emulator/health' && req.method === 'GET') return json(200, { ok: true });
      if (p === '/__emulator/reset' && req.method === 'POST') { await readBody(req); api.reset(); return json(200, { ok: true }); }
      if (p === '/__emulator/config') {
        if (req.method === 'GET') return json(200, publicConfig(config));
        if (req.method === 'POST') {
          const raw = await readBody(req);
          let partial;
          try { partial = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { return json(400, bad('Invalid JSON.').toJSON()); }
          api.setConfig(partial);
          return json(200, publicConfig(config));
        }
      }
      if (p === '/__emulator/jobs' && req.method === 'GET') {
        return json(200, { data: [...jobs.values()].map((j) => ({ ...view(j), route: j.route, extension_count: j.extensionCount, character_ids: j.characterIds, duration_ms: j.durationMs })) });
      }
      let m = /^\/__emulator\/videos\/([^/]+)\/sha256$/.exec(p);
      if (m && req.method === 'GET') {
        const job = jobs.get(adminId(decodeURIComponent(m[1])));
        if (!job) return json(404, new ApiError(404, 'Video not found.', { code: 'video_not_found' }).toJSON());
        const variant = url.searchParams.get('variant') || 'video';
        if (!VARIANTS[variant]) return json(400, bad('Invalid variant.', 'variant', 'invalid_value').toJSON());
        const vf = await assetFor(job, variant);
        const key = `${vf.segments.map((s) => s.file || s.size).join('|')}`;
        if (!shaCache.has(key)) shaCache.set(key, media.sha256OfStream(vf.stream()));
        const r = await shaCache.get(key);
        return json(200, { id: job.id, variant, sha256: r.sha256, bytes: r.bytes });
      }
      m = /^\/__emulator\/videos\/([^/]+)\/(complete|fail)$/.exec(p);
      if (m && req.method === 'POST') {
        const raw = await readBody(req);
        const job = jobs.get(adminId(decodeURIComponent(m[1])));
        if (!job) return json(404, new ApiError(404, 'Video not found.', { code: 'video_not_found' }).toJSON());
        clearTimeout(job.timer);
        let b = {};
        try { b = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { /* ignore */ }
        if (job.status === 'queued') { job.startedAtMs = Date.now(); job.durationMs = 0; }
        job.status = 'in_progress';
        if (m[2] === 'fail') {
          job.status = 'failed';
          job.completedAtMs = Date.now();
          job.error = { code: b.code || 'internal_error', message: b.message || 'Video generation failed.' };
          pump();
        } else {
          finish(job);
        }
        return json(200, view(job));
      }
      return json(404, new ApiError(404, `Unknown emulator admin endpoint ${req.method} ${p}`).toJSON());
    } catch (err) {
      if (err instanceof ApiError) return json(err.status, err.toJSON());
      return json(500, { error: { message: String(err && err.message), type: 'server_error', param: null, code: null } });
    }
  }

  // ---------------- main handler ----------------

  /** `faults.forceStatus`: what a server says with that status (403 no access, 413 too large, …). */
  function forcedError(status) {
    const known = {
      403: ['You are not allowed to use the Videos API with this API key. Ask your organization owner for access.', 'permission_denied'],
      413: ['Request entity too large.', 'request_too_large'],
      404: ['Not found.', null],
    };
    const [message, code] = known[status] || [`The emulator was told to answer ${status}.`, 'forced_status'];
    return new ApiError(status, message, { code, type: status >= 500 ? 'server_error' : 'invalid_request_error' });
  }

  async function onRequest(req, res) {
    let url;
    try { url = new URL(req.url, 'http://emulator.local'); } catch { url = new URL('http://emulator.local/'); }
    if (url.pathname.startsWith('/__emulator/')) return admin(req, res, url);
    const base = config.basePath.replace(/\/+$/, '');
    const ctx = { route: null, lostResponse: false };
    try {
      let route = null;
      if (url.pathname === base || url.pathname.startsWith(base + '/')) route = matchRoute(req.method, url.pathname.slice(base.length));
      if (route && dialect) route = dialect.route(req, url, route);
      req.soraRoute = route && route.name;
      const name = route ? route.name : 'unknown';
      stats.requests[name] = (stats.requests[name] || 0) + 1;
      if (!route) {
        throw new ApiError(404, `Invalid URL (${req.method} ${url.pathname})`, { code: null });
      }
      ctx.route = name;
      const f = config.faults || {};
      if (Number(f.slowMs) > 0 && rollFault('slow', name, Number(f.rateSlow) || 0)) {
        await new Promise((r) => setTimeout(r, Number(f.slowMs)));
      }
      if (rollFault('resetBeforeBody', name)) { req.socket.destroy(); return; }
      if (rollFault('rate429', name)) {
        const ms = Number(f.retryAfterMs) > 0 ? Number(f.retryAfterMs) : 1000;
        throw new ApiError(429, 'Rate limit reached for requests to the emulator. Please try again later.', {
          type: 'requests', code: 'rate_limit_exceeded',
          headers: { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))), 'retry-after-ms': String(ms) },
        });
      }
      if (rollFault('rate5xx', name)) {
        const codes = [500, 502, 503];
        const status = codes[Math.floor(config.random() * codes.length) % codes.length];
        const titles = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
        const html = `<html>\r\n<head><title>${status} ${titles[status]}</title></head>\r\n<body>\r\n<center><h1>${status} ${titles[status]}</h1></center>\r\n<hr><center>sora-emulator</center>\r\n</body>\r\n</html>\r\n`;
        await readBody(req).catch(() => {});
        res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
        res.end(html);
        return;
      }
      if (hasNoVideoAccess(req)) throw forcedError(403);
      checkAuth(req);
      if (Number(f.forceStatus) >= 400 && rollFault('forceStatus', name, 1)) throw forcedError(Number(f.forceStatus));
      if (JOB_ROUTES.includes(name) && rollFault('createLostResponse', name)) ctx.lostResponse = true;
      if (JOB_ROUTES.includes(name) && rollFault('acceptedThen5xx', name)) ctx.acceptedThen5xx = true;
      await handlers[name](req, res, ctx, route.params, url);
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        // drain the request body so keep-alive connections stay usable
        if (!req.complete) req.resume();
        sendError(res, err, {});
      } else if (!res.destroyed) {
        res.destroy();
      }
    }
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((err) => { log('unhandled', err); try { res.destroy(); } catch { /* ignore */ } });
  });
  server.keepAliveTimeout = 5000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => { server.off('error', reject); resolve(); });
  });
  const port = server.address().port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  if (dialect) {
    await dialect.start({
      host: config.host,
      apiBase: `http://${hostForUrl}:${port}${config.basePath.replace(/\/+$/, '')}`,
      // Serves a result URL's bytes exactly as GET /videos/{id}/content would.
      async serveContent(req, res, id, variant) {
        try {
          await handlers.content(req, res, { route: 'content' }, { id }, new URL(`http://emulator.local/?variant=${variant}`));
        } catch (err) {
          if (!res.headersSent && !res.destroyed) sendError(res, err, {});
          else if (!res.destroyed) res.destroy();
        }
      },
    });
  }

  const api = {
    baseUrl: `http://${hostForUrl}:${port}${config.basePath.replace(/\/+$/, '')}`,
    origin: `http://${hostForUrl}:${port}`,
    port,
    server,
    get stats() { return stats; },
    config,
    mediaDir: mediaStore.dir,
    moderationWord: MODERATION_WORD,
    /** Dialect mode: {name, options, stats, wireId(id), internalId(id), assetOrigin}, or null. */
    dialect: dialect ? dialect.api : null,
    setConfig(partial) {
      const n = normalizeConfig(partial);
      delete n.port; delete n.host; delete n.basePath;
      Object.assign(config, n);
      if ('faults' in n) faultsUsed = 0;
      pump();
      return publicConfig(config);
    },
    reset() {
      for (const j of jobs.values()) clearTimeout(j.timer);
      jobs.clear();
      characters.clear();
      idempotency.clear();
      stats = emptyStats();
      faultsUsed = 0;
    },
    /** Internal job list (for tests). */
    jobs() { return [...jobs.values()].map(view); },
    async close() {
      for (const j of jobs.values()) clearTimeout(j.timer);
      if (dialect) await dialect.close();
      await new Promise((resolve) => {
        server.close(() => resolve());
        if (server.closeAllConnections) server.closeAllConnections();
      });
    },
  };
  return api;
}

module.exports = { startEmulator, MODERATION_WORD, ROUTE_NAMES, DEFAULTS };
