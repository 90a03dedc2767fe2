'use strict';
// The admin endpoints under /__emulator/ (no auth, outside the base path): stats, health, reset, config, the job
// list with internal fields, the sha256 of what /content serves, and completing or failing a job now.

const media = require('./media');
const { ApiError, bad } = require('./errors');
const { readBody } = require('./http');
const { publicConfig } = require('./state');
const { VARIANTS } = require('./routes');

/** `control` = {setConfig, reset} of the emulator's public API. */
function createAdmin({ state, jobs, control }) {
  const { config, dialect, shaCache } = state;

  /** Admin endpoints take the emulator's own id or, in a dialect mode, the id the dialect hands out. */
  const adminId = (id) => (dialect && !state.jobs.has(id) ? dialect.internalId(id) : id);

  return async function admin(req, res, url) {
    const p = url.pathname.replace(/\/+$/, '');
    const json = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    const videoNotFound = () => json(404, new ApiError(404, 'Video not found.', { code: 'video_not_found' }).toJSON());
    try {
      if (p === '/__emulator/stats' && req.method === 'GET') return json(200, state.stats);
      if (p === '/__emulator/health' && req.method === 'GET') return json(200, { ok: true });
      if (p === '/__emulator/reset' && req.method === 'POST') { await readBody(req, config); control.reset(); return json(200, { ok: true }); }
      if (p === '/__emulator/config') {
        if (req.method === 'GET') return json(200, publicConfig(config));
        if (req.method === 'POST') {
          const raw = await readBody(req, config);
          let partial;
          try { partial = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { return json(400, bad('Invalid JSON.').toJSON()); }
          control.setConfig(partial);
          return json(200, publicConfig(config));
        }
      }
      if (p === '/__emulator/jobs' && req.method === 'GET') {
        return json(200, { data: [...state.jobs.values()].map((j) => ({ ...jobs.view(j), route: j.route, extension_count: j.extensionCount, character_ids: j.characterIds, duration_ms: j.durationMs, input_sha256: j.inputSha256 ?? null })) });
      }
      let m = /^\/__emulator\/videos\/([^/]+)\/sha256$/.exec(p);
      if (m && req.method === 'GET') {
        const job = state.jobs.get(adminId(decodeURIComponent(m[1])));
        if (!job) return videoNotFound();
        const variant = url.searchParams.get('variant') || 'video';
        if (!VARIANTS[variant]) return json(400, bad('Invalid variant.', 'variant', 'invalid_value').toJSON());
        const vf = await jobs.assetFor(job, variant);
        const key = `${vf.segments.map((s) => s.file || s.size).join('|')}`;
        if (!shaCache.has(key)) shaCache.set(key, media.sha256OfStream(vf.stream()));
        const r = await shaCache.get(key);
        return json(200, { id: job.id, variant, sha256: r.sha256, bytes: r.bytes });
      }
      m = /^\/__emulator\/videos\/([^/]+)\/(complete|fail)$/.exec(p);
      if (m && req.method === 'POST') {
        const raw = await readBody(req, config);
        const job = state.jobs.get(adminId(decodeURIComponent(m[1])));
        if (!job) return videoNotFound();
        let b = {};
        try { b = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { /* ignore */ }
        jobs.forceEnd(job, m[2] === 'fail', b);
        return json(200, jobs.view(job));
      }
      return json(404, new ApiError(404, `Unknown emulator admin endpoint ${req.method} ${p}`).toJSON());
    } catch (err) {
      if (err instanceof ApiError) return json(err.status, err.toJSON());
      return json(500, { error: { message: String(err && err.message), type: 'server_error', param: null, code: null } });
    }
  };
}

module.exports = { createAdmin };
