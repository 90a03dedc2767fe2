'use strict';
// HTTP plumbing: response headers, sending JSON and errors (through the dialect's translation and the response
// faults), reading and parsing request bodies (JSON or multipart), API-key checks, and the server start/stop
// helpers index.js and dialects/ share.

const crypto = require('node:crypto');
const { parseMultipart, formToObject } = require('./multipart');
const { ApiError, bad, typeName } = require('./errors');

function baseHeaders(extra) {
  return {
    'x-request-id': 'req_' + crypto.randomBytes(12).toString('hex'),
    'openai-processing-ms': '1',
    ...extra,
  };
}

/** The whole request body; beyond `config.maxBodyBytes` a 413 ApiError. */
function readBody(req, config) {
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

/** The token of an `Authorization: Bearer …` header (trimmed), or null. */
function bearerToken(req) {
  const m = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization || ''));
  return m ? m[1].trim() : null;
}

/** Constant-time comparison of a given secret (or null) with the expected one. */
function safeEqual(given, expected) {
  return given != null && given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** `host` as it stands in a URL (IPv6 in brackets). */
const urlHost = (host) => (host.includes(':') ? `[${host}]` : host);

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if (server.closeAllConnections) server.closeAllConnections();
  });
}

/** The request/response functions of one emulator; `faults` is its faults.js instance. */
function createHttp(state, faults) {
  const { config, dialect } = state;

  /**
   * `ctx.route` names a successful answer's route; an error's route is `ctx.errorRoute`. A dialect translates the
   * answer (outgoing) unless it is an error the dialect built itself (`ctx.raw`), then rewrites the headers.
   */
  function sendJson(res, status, obj, extraHeaders = {}, ctx = {}) {
    if (res.destroyed || res.headersSent) return;
    if (dialect && !ctx.raw) ({ status, obj, headers: extraHeaders } = dialect.outgoing(ctx.route, status, obj, extraHeaders, ctx.errorRoute || null));
    const body = faults.tamper(res, ctx, status, typeof obj === 'string' ? obj : JSON.stringify(obj));
    if (body === null) return;
    let headers = baseHeaders({
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...extraHeaders,
    });
    if (dialect) headers = dialect.finalHeaders(headers, ctx.route || ctx.errorRoute || null);
    res.writeHead(status, headers);
    res.end(body);
  }

  function sendError(res, err, ctx) {
    if (!(err instanceof ApiError)) {
      state.log('internal error', err && err.stack);
      err = new ApiError(500, 'The server had an error while processing your request. Sorry about that!', { type: 'server_error' });
    }
    sendJson(res, err.status, err.toJSON(), err.headers || {}, { ...ctx, route: null, errorRoute: ctx.errorRoute || ctx.route || null, raw: err.body !== undefined });
  }

  /** `openai-poll-after-ms` for job responses (none when `pollAfterMs` is not a number ≥ 0). */
  function pollHeaders() {
    const p = Number(config.pollAfterMs);
    return Number.isFinite(p) && p >= 0 ? { 'openai-poll-after-ms': String(Math.round(p)) } : {};
  }

  /** Parses the body, then lets a dialect translate its fields into the OpenAI spelling. */
  async function parseBody(req, opts) {
    const parsed = await parseBodyAsSent(req, opts);
    return dialect ? dialect.body(req.soraRoute, parsed, req) : parsed;
  }

  /** Parses JSON or multipart. Returns {kind:'json'|'multipart', fields, files, names} */
  async function parseBodyAsSent(req, { multipartOnly = false } = {}) {
    const ct = String(req.headers['content-type'] || '').toLowerCase();
    const raw = await readBody(req, config);
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

  function checkAuth(req) {
    if (dialect) return dialect.checkAuth(req, config.apiKey);
    if (!config.apiKey) return;
    const token = bearerToken(req);
    const given = token !== null ? token : req.headers['api-key'] ? String(req.headers['api-key']).trim() : null;
    if (!safeEqual(given, String(config.apiKey))) throw new ApiError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
  }

  /** A key in `noVideoAccessKeys` is known to the server but may not use videos: 403 on every API route. */
  function hasNoVideoAccess(req) {
    const keys = Array.isArray(config.noVideoAccessKeys) ? config.noVideoAccessKeys.map(String) : [];
    if (!keys.length) return false;
    const given = [bearerToken(req), req.headers['api-key'], req.headers['x-litellm-api-key']].filter(Boolean).map((k) => String(k).trim());
    return given.some((k) => keys.includes(k));
  }

  return { sendJson, sendError, pollHeaders, parseBody, checkAuth, hasNoVideoAccess, readBody: (req) => readBody(req, config) };
}

module.exports = { createHttp, baseHeaders, readBody, bearerToken, safeEqual, urlHost, listen, closeServer };
