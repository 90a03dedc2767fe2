'use strict';
// Dialect modes: a translation layer that makes the OpenAI-shaped emulator speak, on the wire, like the other
// servers that offer the Videos API, each rebuilt from that server's own source (one file per server, every
// behaviour commented with the upstream repo and file it imitates):
//   azure.js      Azure OpenAI v1 (Microsoft Learn "Video generation (preview)", /openai/v1/videos)
//   litellm.js    a LiteLLM proxy (BerriAI/litellm litellm/proxy/video_endpoints/endpoints.py), behind OpenAI/Azure
//                 or behind Veo (`provider: 'gemini' | 'vertex_ai'`)
//   newapi.js     a new-api gateway (QuantumNous/new-api router/video-router.go), Sora or generic channel
//   openrouter.js OpenRouter's video API (openrouter.ai/docs/api/api-reference/videos)
// This file holds what they share: the hooks index.js / http.js / routes.js call, the id mapping of routes, and
// the second HTTP server that serves signed result URLs on another origin (a storage bucket: it refuses requests
// that carry credentials). Nothing here may come from nodes/: the emulator is an independent oracle.
//
// Hooks (defaults in brackets): route(req, url, matched) → {name, params, handler?} | null (404) [routes list];
// notFound(req, url) → ApiError; checkAuth(req, apiKey); body(routeName, parsed, req) → parsed [as is];
// outgoing(routeName, status, obj, headers, errorRoute) → {status, obj, headers} [as is]; finalHeaders(headers,
// routeName) [as is]; contentHeaders(headers, params) [as is]; reset(); start(ctx); close().

const http = require('node:http');
const crypto = require('node:crypto');
const { bearerToken, safeEqual, urlHost, listen, closeServer } = require('../http');

const FACTORIES = {
  azure: require('./azure'),
  litellm: require('./litellm'),
  newapi: require('./newapi'),
  openrouter: require('./openrouter'),
};
const DIALECTS = Object.keys(FACTORIES);

/**
 * createDialect(name, options, ApiError) → the hooks above plus `api` (what tests see as `emu.dialect`).
 * Options common to all: urlTtlSeconds (3600) — lifetime of signed result URLs. Each file documents its own.
 */
function createDialect(name, options = {}, ApiError) {
  if (!FACTORIES[name]) throw new Error(`unknown dialect "${name}"; expected one of ${DIALECTS.join(', ')}`);
  const secret = crypto.randomBytes(16);
  const stats = { assetRequests: 0, assetRequestsWithCredentials: 0, assetRejected: 0 };
  let assetServer = null;

  /** What a dialect file gets: options, stats, error builders, auth helpers, the emulator's internals. */
  const sh = {
    name,
    opts: { urlTtlSeconds: 3600, ...options },
    stats,
    ApiError,
    /** Set by start(): {origin, apiBase, video(id), serveContent(req, res, id, variant)}. */
    internals: null,
    assetOrigin: null,
    /** An error answered with exactly this body (the server's own envelope), never translated again. */
    raw(status, body, headers) { return new ApiError(status, `${name} error ${status}`, { body, headers }); },
    bearerToken,
    safeEqual,
    hexOf: (id) => String(id).replace(/^video_/, ''),
    /** A signed, expiring URL of a job's MP4 on the asset origin. */
    signedUrl(id) {
      const expires = Math.floor(Date.now() / 1000) + Number(sh.opts.urlTtlSeconds);
      return `${sh.assetOrigin}/signed/${encodeURIComponent(d.wireId(id))}/video.mp4?expires=${expires}&signature=${sign(id, expires)}`;
    },
  };
  const sign = (id, expires) => crypto.createHmac('sha256', secret).update(`${id}:video:${expires}`).digest('hex');
  const d = FACTORIES[name](sh);
  const same = (x) => x;

  async function onAssetRequest(req, res) {
    stats.assetRequests++;
    const url = new URL(req.url, 'http://assets.local');
    const m = /^\/signed\/([^/]+)\/video\.mp4$/.exec(url.pathname);
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
    const id = d.internalId(decodeURIComponent(m[1]));
    const expires = Number(url.searchParams.get('expires'));
    if (!safeEqual(String(url.searchParams.get('signature') || ''), sign(id, expires))) {
      return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (!(expires * 1000 > Date.now())) return xml(403, 'AccessDenied', 'Request has expired');
    await sh.internals.serveContent(req, res, id, 'video');
  }

  return {
    name,
    defaults: { basePath: d.basePath },
    /** Matched route → the dialect's route (ids mapped to internal ones), or null when this server has none. */
    route(req, url, matched) {
      const params = { ...matched.params };
      if (params.id !== undefined && !matched.name.startsWith('character')) {
        params.wireId = params.id;
        params.id = d.internalId(params.id);
      }
      const r = d.route ? d.route(req, url, { name: matched.name, params }) : { name: matched.name, params };
      return r && (r.handler || d.routes.includes(r.name)) ? r : null;
    },
    notFound: d.notFound || ((req, url) => new ApiError(404, `Invalid URL (${req.method} ${url.pathname})`)),
    checkAuth: d.checkAuth,
    body: d.body || same,
    outgoing: d.outgoing || ((routeName, status, obj, headers) => ({ status, obj, headers })),
    finalHeaders: d.finalHeaders || same,
    contentHeaders: d.contentHeaders || same,
    internalId: d.internalId,
    reset() { if (d.reset) d.reset(); },
    async start(ctx) {
      sh.internals = ctx;
      assetServer = http.createServer((req, res) => {
        onAssetRequest(req, res).catch(() => { try { res.destroy(); } catch { /* ignore */ } });
      });
      await listen(assetServer, 0, ctx.host);
      sh.assetOrigin = `http://${urlHost(ctx.host)}:${assetServer.address().port}`;
      if (d.start) d.start();
    },
    async close() {
      if (d.close) d.close();
      if (assetServer) await closeServer(assetServer);
    },
    /** What tests see as `emu.dialect`. */
    api: {
      name,
      options: sh.opts,
      stats,
      wireId: (id) => d.wireId(id),
      internalId: (id) => d.internalId(id),
      get assetOrigin() { return sh.assetOrigin; },
      ...(d.api || {}),
    },
  };
}

module.exports = { createDialect, DIALECTS };
