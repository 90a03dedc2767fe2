'use strict';
// Local emulator of the Sora 2 Videos API (OpenAI `/v1/videos*` contract). Plain CommonJS, Node built-ins + ffmpeg.
// This file starts one emulator: it builds the shared state and the modules around it, dispatches each request
// (admin endpoints, route match, faults, auth, handler, errors) and returns the public API. See README.md next to
// this file for the behaviour, options, admin endpoints and the layout of the other files.

const http = require('node:http');
const media = require('./media');
const { createDialect } = require('./dialects');
const { ApiError } = require('./errors');
const { DEFAULTS, emptyStats, publicConfig, normalizeConfig, createState } = require('./state');
const { createHttp, urlHost, listen, closeServer } = require('./http');
const { createFaults, forcedError } = require('./faults');
const { createJobs, MODERATION_WORD } = require('./jobs');
const { createValidation } = require('./validation');
const { matchRoute, createHandlers, ROUTE_NAMES } = require('./routes');
const { createAdmin } = require('./admin');

async function startEmulator(options = {}) {
  // Dialect mode (dialects/): the same server, spoken like Azure, LiteLLM, a new-api gateway or OpenRouter.
  const dialect = options.dialect ? createDialect(options.dialect, options.dialectOptions, ApiError) : null;
  const state = createState(options, dialect);
  const { config } = state;
  const mediaStore = media.createMediaStore({ mediaDir: config.mediaDir, ffmpegPath: config.ffmpegPath });
  const faults = createFaults(state);
  const io = createHttp(state, faults);
  const jobs = createJobs(state, mediaStore);
  const validation = createValidation(state);
  const handlers = createHandlers({ state, io, jobs, faults, validation });

  function setConfig(partial) {
    const n = normalizeConfig(partial);
    delete n.port; delete n.host; delete n.basePath;
    Object.assign(config, n);
    if ('faults' in n) state.faultsUsed = 0;
    jobs.pump();
    return publicConfig(config);
  }

  function reset() {
    jobs.stopTimers();
    state.jobs.clear();
    state.deletedKeys.clear();
    state.characters.clear();
    state.idempotency.clear();
    state.stats = emptyStats();
    state.faultsUsed = 0;
    if (dialect) dialect.reset();
  }

  const admin = createAdmin({ state, jobs, control: { setConfig, reset } });

  async function onRequest(req, res) {
    let url;
    try { url = new URL(req.url, 'http://emulator.local'); } catch { url = new URL('http://emulator.local/'); }
    if (url.pathname.startsWith('/__emulator/')) return admin(req, res, url);
    const base = config.basePath.replace(/\/+$/, '');
    const ctx = { route: null, lostResponse: false };
    try {
      let route = null;
      if (url.pathname === base || url.pathname.startsWith(base + '/')) route = matchRoute(req.method, url.pathname.slice(base.length), dialect);
      if (route && dialect) route = dialect.route(req, url, route);
      req.soraRoute = route && route.name;
      const name = route ? route.name : 'unknown';
      state.stats.requests[name] = (state.stats.requests[name] || 0) + 1;
      if (!route) {
        throw dialect ? dialect.notFound(req, url) : new ApiError(404, `Invalid URL (${req.method} ${url.pathname})`, { code: null });
      }
      ctx.route = name;
      const answered = await faults.beforeHandler(req, res, name, ctx, () => {
        if (io.hasNoVideoAccess(req)) throw forcedError(403);
        io.checkAuth(req);
      });
      if (answered) return;
      // Tests hold a request here (a slow list page, a download that has not started) with `gate`.
      if (typeof config.gate === 'function') await config.gate({ route: name, phase: 'request', id: route.params.id, url });
      // A dialect's own routes (e.g. OpenRouter's GET /videos/models) bring their handler along.
      if (route.handler) await route.handler(req, res, ctx, { io, url, params: route.params, core: handlers });
      else await handlers[name](req, res, ctx, route.params, url);
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        // drain the request body so keep-alive connections stay usable
        if (!req.complete) req.resume();
        io.sendError(res, err, { errorRoute: req.soraRoute || null });
      } else if (!res.destroyed) {
        res.destroy();
      }
    }
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((err) => { state.log('unhandled', err); try { res.destroy(); } catch { /* ignore */ } });
  });
  server.keepAliveTimeout = 5000;

  await listen(server, config.port, config.host);
  const port = server.address().port;
  const origin = `http://${urlHost(config.host)}:${port}`;
  const baseUrl = `${origin}${config.basePath.replace(/\/+$/, '')}`;
  if (dialect) {
    await dialect.start({
      host: config.host,
      origin,
      apiBase: baseUrl,
      /** The public video object of an internal id, or null. */
      video(id) { return state.jobs.has(id) ? jobs.view(state.jobs.get(id)) : null; },
      // Serves a result URL's bytes exactly as GET /videos/{id}/content would.
      async serveContent(req, res, id, variant) {
        try {
          await handlers.content(req, res, { route: 'content' }, { id, direct: true }, new URL(`http://emulator.local/?variant=${variant}`));
        } catch (err) {
          if (!res.headersSent && !res.destroyed) io.sendError(res, err, { errorRoute: 'asset' });
          else if (!res.destroyed) res.destroy();
        }
      },
    });
  }

  return {
    baseUrl,
    origin,
    port,
    server,
    get stats() { return state.stats; },
    config,
    mediaDir: mediaStore.dir,
    moderationWord: MODERATION_WORD,
    /** Dialect mode: {name, options, stats, wireId(id), internalId(id), assetOrigin, …}, or null (see README). */
    dialect: dialect ? dialect.api : null,
    setConfig,
    reset,
    /** Internal job list (for tests): video objects plus route, extension_count, character_ids, duration_ms, input_digest. */
    jobs() { return [...state.jobs.values()].map(jobs.internalView); },
    async close() {
      jobs.stopTimers();
      mediaStore.close();
      if (dialect) await dialect.close();
      await closeServer(server);
    },
  };
}

module.exports = { startEmulator, MODERATION_WORD, ROUTE_NAMES, DEFAULTS };
