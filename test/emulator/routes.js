'use strict';
// The API's route table (method + path below the base path → route name and params) and the handler of each
// route. A handler validates (validation.js), acts on the job store (jobs.js) and answers through http.js;
// errors are thrown as ApiErrors and sent by the dispatcher in index.js.

const { pipeline } = require('node:stream');
const { ApiError, bad, oxford } = require('./errors');
const { baseHeaders } = require('./http');
const { newId, nowSec } = require('./jobs');
const v = require('./validation');

/** Route names, as counted in `stats.requests` and named in `faults.scope`. */
const ROUTE_NAMES = ['create', 'retrieve', 'list', 'delete', 'content', 'remix', 'edit', 'extend', 'characterCreate', 'characterGet', 'models', 'key', 'modelInfo'];
/** Routes that create a job. */
const JOB_ROUTES = ['create', 'remix', 'edit', 'extend'];
const VARIANTS = { video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' };
const VARIANT_EXT = { video: 'mp4', thumbnail: 'webp', spritesheet: 'jpg' };
const MAX_EXTENSIONS = 6;

/** `sub` is the path below the base path; returns {name, params} or null (404). */
function matchRoute(method, sub, dialect) {
  const seg = sub.split('/').filter(Boolean).map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
  const M = method === 'HEAD' ? 'GET' : method;
  // Read-only endpoints credential tests use: GET /models (every mode), GET /key (OpenRouter only).
  if (seg.length === 1 && seg[0] === 'models' && M === 'GET') return { name: 'models', params: {} };
  if (seg.length === 1 && seg[0] === 'key' && M === 'GET' && dialect && dialect.name === 'openrouter') return { name: 'key', params: {} };
  // LiteLLM's GET /v1/model/info (litellm/proxy/proxy_server.py model_info_v1); its dialect brings the handler.
  if (seg.length === 2 && seg[0] === 'model' && seg[1] === 'info' && M === 'GET' && dialect && dialect.name === 'litellm') return { name: 'modelInfo', params: {} };
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


/** Handlers by route name: `(req, res, ctx, params, url) => Promise`. */
function createHandlers({ state, io, jobs, faults, validation }) {
  const { characters, config } = state;
  const { sendJson, pollHeaders, parseBody } = io;
  const { checkUnknown, validateSeconds, validateCharacters, resolveVideoRef } = validation;
  const { view, getJob, createJob, idempotent } = jobs;

  /** The answer to a job-creating request: the (new or replayed) job. */
  function sendAccepted(res, { job, replay }, ctx) {
    sendJson(res, 200, view(job), { ...pollHeaders(), ...(replay ? { 'idempotent-replayed': 'true' } : {}) }, ctx);
  }

  return {
    async create(req, res, ctx) {
      const body = await parseBody(req);
      checkUnknown(body, ['prompt', 'model', 'seconds', 'size', 'input_reference', 'characters']);
      const f = body.fields;
      const prompt = v.validatePrompt(f.prompt);
      const model = v.validateModel(f.model);
      // A dialect may set `secondsValues` (the durations its server takes) and `gatewayImage` (its server scales
      // the first frame and fetches http URLs itself).
      const seconds = validateSeconds(f.seconds, body.secondsValues ? { values: body.secondsValues } : {});
      const size = v.validateSize(f.size, model);
      const ref = v.validateInputReference(body, size, { gateway: !!body.gatewayImage });
      const characterIds = validateCharacters(f.characters);
      const inputDigest = ref ? ref.digest : null;
      sendAccepted(res, idempotent(req, 'create', () => createJob('create', { model, prompt, size, seconds, characterIds, inputDigest, inputImage: ref && ref.data ? ref.data : null })), ctx);
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
      // Ordered by (created_at, id) like a database index, so jobs of the same second have a fixed order.
      const cmp = (a, b) => (a[0] - b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
      let all = [...state.jobs.values()].filter(jobs.listed).map((j) => ({ id: j.id, key: jobs.listKey(j) }));
      all.sort((a, b) => cmp(a.key, b.key));
      if (order === 'desc') all.reverse();
      const after = config.ignoreCursor ? null : q.get('after');
      if (after) {
        // A cursor naming a deleted job still works; an unknown one is compared by id alone.
        const known = state.jobs.get(after);
        const key = known ? jobs.listKey(known) : state.deletedKeys.get(after);
        const beyond = key ? (entry) => cmp(entry.key, key) : (entry) => (entry.id < after ? -1 : entry.id > after ? 1 : 0);
        all = all.filter((entry) => (order === 'desc' ? beyond(entry) < 0 : beyond(entry) > 0));
      }
      all = all.map((entry) => entry.id);
      const page = all.slice(0, limit);
      const data = page.map((id) => view(state.jobs.get(id)));
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
      state.deletedKeys.set(id, jobs.listKey(job));
      state.jobs.delete(id);
      sendJson(res, 200, { id, object: 'video.deleted', deleted: true }, {}, ctx);
    },

    async content(req, res, ctx, params, url) {
      const { id } = params;
      const job = getJob(id);
      const variant = url.searchParams.get('variant') || 'video';
      if (!VARIANTS[variant]) throw bad(`Invalid value: '${variant}'. Supported values are: ${oxford(Object.keys(VARIANTS))}.`, 'variant', 'invalid_value');
      if (job.status === 'failed') throw bad(`Video '${id}' failed to generate; there is no content to download.`, 'video_id', 'video_generation_failed');
      if (job.status !== 'completed') throw bad(`Video '${id}' is not ready yet (status: ${job.status}). Poll GET /videos/${id} until it is completed.`, 'video_id', 'video_not_ready');
      if (jobs.isExpired(job)) throw new ApiError(404, `The assets for video '${id}' have expired and are no longer available.`, { param: 'video_id', code: 'video_expired' });
      const vf = await jobs.assetFor(job, variant);
      if (res.destroyed) return;
      const total = vf.size;
      let start = 0, end = total - 1, status = 200;
      const range = req.headers.range;
      let headers = baseHeaders({
        'content-type': VARIANTS[variant],
        'accept-ranges': 'bytes',
        'content-disposition': `attachment; filename="${id}.${VARIANT_EXT[variant]}"`,
      });
      if (state.dialect) headers = state.dialect.contentHeaders(headers, params);
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
      if (faults.resetDuringBody(res, status, headers, vf, start, length)) return;
      res.writeHead(status, headers);
      let from = start;
      if (typeof config.gate === 'function' && length > 1) {
        // A gate may stall the transfer after its first bytes (phase 'body').
        const cut = Math.min(64 * 1024, Math.floor(length / 2));
        for await (const chunk of vf.stream(start, start + cut - 1)) res.write(chunk);
        await config.gate({ route: 'content', phase: 'body', id, url });
        if (res.destroyed) return;
        from = start + cut;
      }
      pipeline(vf.stream(from, end), res, () => {});
    },

    async remix(req, res, ctx, { id }) {
      const source = getJob(id);
      const body = await parseBody(req);
      checkUnknown(body, ['prompt']);
      const prompt = v.validatePrompt(body.fields.prompt);
      v.requireCompleted(source, 'remixed');
      sendAccepted(res, idempotent(req, `remix:${id}`, () => createJob('remix', {
        model: source.model, prompt, size: source.size, seconds: source.seconds, remixedFrom: source.id,
      })), ctx);
    },

    async edit(req, res, ctx) {
      const body = await parseBody(req);
      checkUnknown(body, ['prompt', 'video', 'model']);
      const prompt = v.validatePrompt(body.fields.prompt);
      const ref = resolveVideoRef(body);
      let spec;
      if (ref.kind === 'job') {
        v.requireCompleted(ref.job, 'edited');
        spec = { model: v.validateModel(body.fields.model, ref.job.model), size: ref.job.size, seconds: ref.job.seconds, remixedFrom: ref.job.id };
      } else {
        spec = { model: v.validateModel(body.fields.model), size: v.sizeFromUpload(ref.info), seconds: v.secondsFromUpload(ref.info) };
      }
      sendAccepted(res, idempotent(req, 'edit', () => createJob('edit', { ...spec, prompt })), ctx);
    },

    async extend(req, res, ctx) {
      const body = await parseBody(req);
      if (body.names.includes('characters')) throw bad('Characters are not supported for video extensions.', 'characters', 'unsupported_parameter');
      if (body.names.includes('input_reference')) throw bad('Image references are not supported for video extensions.', 'input_reference', 'unsupported_parameter');
      checkUnknown(body, ['prompt', 'seconds', 'video']);
      const prompt = v.validatePrompt(body.fields.prompt);
      const ref = resolveVideoRef(body);
      const seconds = validateSeconds(body.fields.seconds, { required: true });
      let base, model, size, count;
      if (ref.kind === 'job') {
        v.requireCompleted(ref.job, 'extended');
        base = Number(ref.job.seconds);
        model = ref.job.model;
        size = ref.job.size;
        count = ref.job.extensionCount;
      } else {
        base = Number(v.secondsFromUpload(ref.info));
        model = 'sora-2';
        size = v.sizeFromUpload(ref.info);
        count = 0;
      }
      if (count + 1 > MAX_EXTENSIONS) {
        throw bad(`Video has already been extended ${count} times; a video can be extended at most ${MAX_EXTENSIONS} times.`, 'video', 'extension_limit_exceeded');
      }
      const total = base + Number(seconds);
      if (total > v.MAX_TOTAL_SECONDS) {
        throw bad(`Extending by ${seconds} seconds would make the video ${total} seconds long; the maximum total duration is ${v.MAX_TOTAL_SECONDS} seconds.`, 'seconds', 'duration_limit_exceeded');
      }
      sendAccepted(res, idempotent(req, 'extend', () => createJob('extend', {
        model, prompt, size, seconds: String(total), extensionCount: count + 1,
      })), ctx);
    },

    async characterCreate(req, res, ctx) {
      const body = await parseBody(req, { multipartOnly: true });
      checkUnknown(body, ['video', 'name']);
      const name = v.validateCharacterName(body.fields.name);
      v.validateCharacterVideo(body.files.video);
      const character = { id: newId('char'), object: 'character', name, created_at: nowSec() };
      characters.set(character.id, character);
      state.stats.charactersCreated++;
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
}

module.exports = { matchRoute, createHandlers, ROUTE_NAMES, JOB_ROUTES, VARIANTS };
