'use strict';
// Dialect modes of the emulator: a translation layer that makes the OpenAI-shaped emulator speak, on the wire,
// like the other servers that offer the Videos API with their own differences — Azure OpenAI v1 (`/openai/v1`,
// `api-key` header), a LiteLLM proxy (BerriAI/litellm litellm/proxy/video_endpoints/endpoints.py), new-api
// gateways (QuantumNous/new-api: `task_` ids, `duration`) and OpenRouter (`/api/v1/videos`, `job-` ids, result
// URLs). The table in README.md ("Dialect modes") lists the differences. index.js calls these hooks: route (ids, missing routes, list needs), checkAuth, body (request
// fields → OpenAI shape), outgoing (OpenAI shape → the dialect's responses and errors). Result URLs are served
// by a second HTTP server on another port (another origin) that, like a storage bucket behind a signed URL,
// refuses requests that carry credentials.

const http = require('node:http');
const crypto = require('node:crypto');
const { bearerToken, safeEqual, urlHost, listen, closeServer } = require('./http');

const DIALECTS = ['azure', 'litellm', 'newapi', 'openrouter'];

const BASE_PATHS = { azure: '/openai/v1', litellm: '/v1', newapi: '/v1', openrouter: '/api/v1' };

const ALL_ROUTES = ['create', 'retrieve', 'list', 'delete', 'content', 'remix', 'edit', 'extend', 'characterCreate', 'characterGet'];
/** Routes each server serves; the others answer 404 as unknown URLs. */
const ROUTES = {
  azure: ['create', 'retrieve', 'list', 'delete', 'content', 'remix', 'characterCreate', 'characterGet', 'models'],
  litellm: [...ALL_ROUTES, 'models'],
  newapi: ['create', 'retrieve', 'content', 'remix', 'characterCreate', 'characterGet', 'models'],
  // GET /key: what OpenRouter's credential test reads (the key's limits).
  openrouter: ['create', 'retrieve', 'content', 'models', 'key'],
};

const VIDEO_ROUTES = ['create', 'retrieve', 'remix', 'edit', 'extend'];

const AZURE_SECONDS = ['4', '8', '12'];
const AZURE_SIZES = ['720x1280', '1280x720'];

const OPENROUTER_SIZES = {
  '720p:16:9': '1280x720',
  '720p:9:16': '720x1280',
  '1080p:16:9': '1920x1080',
  '1080p:9:16': '1080x1920',
};
/** Fields OpenRouter documents for POST /api/v1/videos. */
const OPENROUTER_FIELDS = ['model', 'prompt', 'duration', 'resolution', 'aspect_ratio', 'size', 'frame_images', 'input_references',
  'generate_audio', 'seed', 'callback_url', 'provider'];
/** OpenAI spellings OpenRouter does not take. */
const OPENROUTER_REJECTS = ['seconds', 'input_reference', 'characters'];

/**
 * createDialect(name, options, ApiError) → hooks for index.js. Options:
 *   openrouter: resultUrls 'signed' (default: signed `urls` + content-proxy `unsigned_urls`) | 'proxy' (only
 *               `unsigned_urls`) | 'none' (neither: the client must know /content?index=0)
 *   newapi:     resultUrl true (default: a signed `url` on completed tasks) | false
 *   all:        urlTtlSeconds (3600) — lifetime of signed URLs
 */
function createDialect(name, options = {}, ApiError) {
  if (!DIALECTS.includes(name)) throw new Error(`unknown dialect "${name}"; expected one of ${DIALECTS.join(', ')}`);
  const DialectError = ApiError; // index.js's error class, so its error path sends these as they are
  const bad = (message, param, code) => new DialectError(400, message, { param: param ?? null, code: code || 'invalid_value' });
  const opts = { resultUrls: 'signed', resultUrl: true, urlTtlSeconds: 3600, ...options };
  const secret = crypto.randomBytes(16);
  const stats = { assetRequests: 0, assetRequestsWithCredentials: 0, assetRejected: 0, listProviders: {} };
  let internals = null; // set by start()
  let assetServer = null;
  let assetOrigin = null;

  // ---------------- ids ----------------

  const hexOf = (id) => String(id).replace(/^video_/, '');
  function wireId(id) {
    if (id === null || id === undefined) return id;
    switch (name) {
      case 'newapi': return `task_${hexOf(id)}`;
      case 'openrouter': return `job-${hexOf(id)}`;
      // LiteLLM's ids are opaque: the provider and the upstream id, base64-encoded (with + / = in them).
      case 'litellm': return `video_${Buffer.from(`litellm:custom_llm_provider:openai;video_id:${id}`).toString('base64')}`;
      default: return id;
    }
  }
  function internalId(id) {
    const s = String(id);
    switch (name) {
      case 'newapi': return s.startsWith('task_') ? `video_${s.slice(5)}` : `unknown_${s}`;
      case 'openrouter': return s.startsWith('job-') ? `video_${s.slice(4)}` : `unknown_${s}`;
      case 'litellm': {
        const m = /video_id:(\S+)$/.exec(Buffer.from(s.replace(/^video_/, ''), 'base64').toString('utf8'));
        return m ? m[1] : `unknown_${s}`;
      }
      default: return s;
    }
  }

  // ---------------- signed result URLs ----------------

  const sign = (id, variant, expires) => crypto.createHmac('sha256', secret).update(`${id}:${variant}:${expires}`).digest('hex');
  function signedUrl(id, variant = 'video') {
    const expires = Math.floor(Date.now() / 1000) + Number(opts.urlTtlSeconds);
    const ext = variant === 'video' ? 'mp4' : variant;
    return `${assetOrigin}/signed/${encodeURIComponent(wireId(id))}/${variant}.${ext}?expires=${expires}&signature=${sign(id, variant, expires)}`;
  }

  async function onAssetRequest(req, res) {
    stats.assetRequests++;
    const url = new URL(req.url, 'http://assets.local');
    const m = /^\/signed\/([^/]+)\/(video)\.mp4$/.exec(url.pathname);
    const xml = (status, code, message) => {
      stats.assetRejected++;
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    // A signed URL is its own authorisation: storage refuses a second mechanism (and must never see the key).
    if (req.headers.authorization || req.headers['api-key'] || req.headers['x-litellm-api-key']) {
      stats.assetRequestsWithCredentials++;
      return xml(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
    }
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
    const id = internalId(decodeURIComponent(m[1]));
    const expires = Number(url.searchParams.get('expires'));
    const given = String(url.searchParams.get('signature') || '');
    const expected = sign(id, m[2], expires);
    if (!safeEqual(given, expected)) {
      return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (!(expires * 1000 > Date.now())) return xml(403, 'AccessDenied', 'Request has expired');
    await internals.serveContent(req, res, id, m[2]);
  }

  // ---------------- hooks ----------------

  /** Rewrites a matched route into the emulator's terms; null = this server has no such route (404). */
  function route(req, url, matched) {
    if (!ROUTES[name].includes(matched.name)) return null;
    const params = { ...matched.params };
    if (params.id !== undefined && matched.name !== 'characterGet') params.id = internalId(params.id);
    if (matched.name === 'list') {
      if (name === 'litellm') {
        const provider = req.headers['custom-llm-provider'] || url.searchParams.get('custom_llm_provider');
        if (!provider) {
          throw new DialectError(400, "custom_llm_provider is required to list videos. Pass it as a 'custom-llm-provider' header or a 'custom_llm_provider' query parameter.", { param: 'custom_llm_provider', code: '400' });
        }
        stats.listProviders[provider] = (stats.listProviders[provider] || 0) + 1;
        url.searchParams.delete('custom_llm_provider');
      }
      if (url.searchParams.has('after')) url.searchParams.set('after', internalId(url.searchParams.get('after')));
    }
    if (matched.name === 'content' && name === 'openrouter') {
      if (url.searchParams.has('variant')) throw bad("Unrecognized key(s) in object: 'variant'", 'variant', 'invalid_request');
      const index = url.searchParams.has('index') ? url.searchParams.get('index') : '0';
      if (index !== '0') throw new DialectError(404, `No output at index ${index} for this job.`, { code: 'not_found' });
      url.searchParams.set('variant', 'video');
    }
    if (matched.name === 'content' && name === 'newapi' && (url.searchParams.get('variant') || 'video') !== 'video') {
      throw bad(`Only the video itself can be downloaded from this gateway, not the ${url.searchParams.get('variant')}.`, 'variant');
    }
    return { name: matched.name, params };
  }

  function checkAuth(req, apiKey) {
    if (!apiKey) return;
    const bearer = bearerToken(req);
    let given = null;
    if (name === 'azure') given = req.headers['api-key'] ? String(req.headers['api-key']).trim() : null;
    else if (name === 'litellm') given = bearer !== null ? bearer : req.headers['x-litellm-api-key'] ? String(req.headers['x-litellm-api-key']).trim() : null;
    else given = bearer;
    if (safeEqual(given, String(apiKey))) return;
    if (name === 'azure') {
      throw new DialectError(401, 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.', { code: '401', type: null });
    }
    if (name === 'openrouter') throw new DialectError(401, 'No auth credentials found', { code: 401, type: null });
    if (name === 'litellm') throw new DialectError(401, 'Authentication Error, Invalid proxy server token passed.', { code: '401', type: 'auth_error' });
    throw new DialectError(401, 'Invalid token', { code: 'invalid_api_key', type: 'new_api_error' });
  }

  /** Request body (parsed by index.js) → the OpenAI fields the emulator validates. */
  function body(routeName, parsed) {
    const f = parsed.fields;
    if ((routeName === 'edit' || routeName === 'extend') && f.video !== undefined) {
      // {video: {id}} names a job by the id this server handed out.
      let v = f.video;
      if (typeof v === 'string') { try { v = JSON.parse(v); } catch { v = { id: v }; } }
      if (v && typeof v === 'object' && typeof v.id === 'string') f.video = { ...v, id: internalId(v.id) };
    }
    if (name === 'azure' && routeName === 'create') {
      if (f.seconds !== undefined && !AZURE_SECONDS.includes(String(f.seconds))) {
        throw bad(`Invalid value: '${f.seconds}'. Supported values are: '4', '8', and '12'.`, 'seconds');
      }
      if (f.size !== undefined && !AZURE_SIZES.includes(String(f.size))) {
        throw bad(`Invalid value: '${f.size}'. Supported values are: '720x1280' and '1280x720'.`, 'size');
      }
    }
    if (name === 'litellm' && typeof f.seconds === 'number') f.seconds = String(f.seconds);
    if (name === 'newapi' && (routeName === 'create' || routeName === 'remix')) {
      if (f.duration !== undefined) {
        const duration = Number(f.duration);
        if (!Number.isInteger(duration) || (typeof f.duration === 'string' && parsed.kind === 'json')) {
          throw bad(`duration must be an integer, got ${JSON.stringify(f.duration)}`, 'duration');
        }
        if (f.seconds !== undefined && String(f.seconds) !== String(duration)) throw bad('seconds and duration disagree', 'duration');
        f.seconds = String(duration);
      }
      if (f.input_reference === undefined && !parsed.files.input_reference) {
        const image = f.image ?? (Array.isArray(f.images) ? f.images[0] : undefined);
        if (typeof image === 'string') f.input_reference = { image_url: image };
      }
      // A gateway passes what it does not know on to the upstream model: nothing else is refused.
      const known = routeName === 'create' ? ['prompt', 'model', 'seconds', 'size', 'input_reference', 'characters'] : ['prompt'];
      parsed.names = parsed.names.filter((n) => known.includes(n)).concat(f.input_reference && !parsed.names.includes('input_reference') ? ['input_reference'] : []);
      delete f.duration;
    }
    if (name === 'openrouter' && routeName === 'create') {
      if (parsed.kind !== 'json') throw bad('Content-Type must be application/json', null, 'invalid_request');
      for (const key of OPENROUTER_REJECTS) {
        if (key in f) throw bad(`Unrecognized key(s) in object: '${key}'`, key, 'invalid_request');
      }
      if (typeof f.model !== 'string' || !f.model) throw bad("'model' is required", 'model', 'invalid_request');
      const out = { prompt: f.prompt, model: f.model };
      if (f.duration !== undefined) {
        if (typeof f.duration !== 'number' || !Number.isInteger(f.duration)) {
          throw bad(`Expected integer for 'duration', received ${typeof f.duration}`, 'duration', 'invalid_request');
        }
        out.seconds = String(f.duration);
      }
      const resolution = f.resolution ?? '720p';
      const aspect = f.aspect_ratio ?? '16:9';
      const size = typeof f.size === 'string' ? f.size : OPENROUTER_SIZES[`${resolution}:${aspect}`];
      if (!size) throw bad(`Unsupported resolution/aspect_ratio combination for this model: ${resolution} ${aspect}`, 'aspect_ratio', 'invalid_request');
      out.size = size;
      if (f.frame_images !== undefined) {
        if (!Array.isArray(f.frame_images)) throw bad("'frame_images' must be an array", 'frame_images', 'invalid_request');
        for (const [i, frame] of f.frame_images.entries()) {
          const url = frame && frame.type === 'image_url' && frame.image_url && frame.image_url.url;
          if (typeof url !== 'string' || !['first_frame', 'last_frame'].includes(frame.frame_type)) {
            throw bad(`frame_images[${i}] must be {type:"image_url", image_url:{url}, frame_type:"first_frame"|"last_frame"}`, `frame_images[${i}]`, 'invalid_request');
          }
          if (frame.frame_type === 'first_frame') out.input_reference = { image_url: url };
        }
      }
      for (const key of Object.keys(f)) {
        if (!OPENROUTER_FIELDS.includes(key)) throw bad(`Unrecognized key(s) in object: '${key}'`, key, 'invalid_request');
      }
      parsed.fields = out;
      parsed.names = Object.keys(out);
    }
    return parsed;
  }

  function videoOut(v, routeName) {
    switch (name) {
      case 'litellm':
        return { ...v, id: wireId(v.id), status: v.status === 'in_progress' ? 'processing' : v.status, remixed_from_video_id: wireId(v.remixed_from_video_id) };
      case 'newapi': {
        const { id, seconds, progress, ...rest } = v;
        const out = {
          ...(routeName === 'retrieve' ? {} : { id: wireId(id) }),
          task_id: wireId(id),
          ...rest,
          status: v.status === 'completed' ? 'succeeded' : v.status,
          progress: `${progress}%`,
          duration: Number(seconds),
          remixed_from_video_id: wireId(v.remixed_from_video_id),
        };
        if (v.status === 'completed' && opts.resultUrl) out.url = signedUrl(id);
        return out;
      }
      case 'openrouter': {
        const polling_url = `${internals.apiBase}/videos/${wireId(v.id)}`;
        if (routeName === 'create') return { id: wireId(v.id), polling_url, status: 'pending' };
        let status = { queued: 'pending' }[v.status] || v.status;
        if (v.status === 'failed' && v.error && ['cancelled', 'expired'].includes(v.error.code)) status = v.error.code;
        const out = { id: wireId(v.id), polling_url, status };
        if (v.status === 'completed') {
          out.generation_id = `gen-${hexOf(v.id).slice(0, 12)}`;
          if (opts.resultUrls !== 'none') out.unsigned_urls = [`${internals.apiBase}/videos/${wireId(v.id)}/content?index=0`];
          if (opts.resultUrls === 'signed') out.urls = [signedUrl(v.id)];
          out.usage = { cost: 0.1 * Number(v.seconds), is_byok: false };
        }
        if (v.status === 'failed') out.error = v.error ? v.error.message : 'Generation failed';
        return out;
      }
      default:
        return v;
    }
  }

  /** OpenAI-shaped response → the dialect's. Returns {status, obj, headers}. */
  function outgoing(routeName, status, obj, headers) {
    const out = { status, obj, headers: { ...headers } };
    if (name === 'newapi' || name === 'openrouter') delete out.headers['openai-poll-after-ms'];
    if (status >= 400) {
      if (name === 'openrouter' && obj && obj.error) out.obj = { error: { code: status, message: obj.error.message } };
      return out;
    }
    if (VIDEO_ROUTES.includes(routeName)) {
      out.obj = videoOut(obj, routeName);
      if (name === 'openrouter' && routeName === 'create') out.status = 202;
    } else if (routeName === 'list') {
      const data = obj.data.map((v) => videoOut(v, 'list'));
      out.obj = { ...obj, data, first_id: data.length ? data[0].id : null, last_id: data.length ? data[data.length - 1].id : null };
    } else if (routeName === 'delete') {
      out.obj = { ...obj, id: wireId(obj.id) };
    }
    return out;
  }

  async function start(ctx) {
    internals = ctx;
    assetServer = http.createServer((req, res) => {
      onAssetRequest(req, res).catch(() => { try { res.destroy(); } catch { /* ignore */ } });
    });
    await listen(assetServer, 0, ctx.host);
    assetOrigin = `http://${urlHost(ctx.host)}:${assetServer.address().port}`;
  }

  async function close() {
    if (!assetServer) return;
    await closeServer(assetServer);
  }

  return {
    name,
    defaults: { basePath: BASE_PATHS[name] },
    route,
    checkAuth,
    body,
    outgoing,
    internalId,
    start,
    close,
    /** What tests see as `emu.dialect`. */
    api: {
      name,
      options: opts,
      stats,
      wireId,
      internalId,
      get assetOrigin() { return assetOrigin; },
    },
  };
}

module.exports = { createDialect, DIALECTS, BASE_PATHS, ROUTES };
