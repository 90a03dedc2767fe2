'use strict';
// Fault injection (`config.faults`, see README "Faults"): the per-request dice with their `scope` and `budget`, the
// faults before the handler (slow, reset, 429, 5xx, forced status), and those on the way out (lost response, 502
// after acceptance, truncated JSON, reset in the middle of a download). Every injected fault is counted in
// `stats.faultsInjected`.

const { ApiError } = require('./errors');
const { readBody } = require('./http');
const { JOB_ROUTES } = require('./routes');

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

function createFaults(state) {
  const { config } = state;

  /** True when fault `kind` strikes this request (probability `prob`, else `faults[kind]`). */
  function roll(kind, route, prob) {
    const f = config.faults || {};
    const p = prob !== undefined ? prob : Number(f[kind]) || 0;
    if (!(p > 0)) return false;
    if (Array.isArray(f.scope) && f.scope.length && !f.scope.includes(route)) return false;
    const budget = f.budget === undefined || f.budget === null ? Infinity : Number(f.budget);
    if (state.faultsUsed >= budget) return false;
    if (!(config.random() < p)) return false;
    state.faultsUsed++;
    state.stats.faultsInjected[kind] = (state.stats.faultsInjected[kind] || 0) + 1;
    state.log(`fault ${kind} on ${route}`);
    return true;
  }

  /**
   * The faults of a routed API request, in order: slow → resetBeforeBody → 429 → 5xx → `authorize()` (the key
   * checks) → forceStatus; then marks `ctx` for a lost response / 502 after acceptance on job-creating routes.
   * Returns true when a fault has already answered (or dropped) the request.
   */
  async function beforeHandler(req, res, name, ctx, authorize) {
    const f = config.faults || {};
    if (Number(f.slowMs) > 0 && roll('slow', name, Number(f.rateSlow) || 0)) {
      await new Promise((r) => setTimeout(r, Number(f.slowMs)));
    }
    if (roll('resetBeforeBody', name)) { req.socket.destroy(); return true; }
    if (roll('rate429', name)) {
      const ms = Number(f.retryAfterMs) > 0 ? Number(f.retryAfterMs) : 1000;
      throw new ApiError(429, 'Rate limit reached for requests to the emulator. Please try again later.', {
        type: 'requests', code: 'rate_limit_exceeded',
        headers: { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))), 'retry-after-ms': String(ms) },
      });
    }
    if (roll('rate5xx', name)) {
      const codes = [500, 502, 503];
      const status = codes[Math.floor(config.random() * codes.length) % codes.length];
      const titles = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
      const html = `<html>\r\n<head><title>${status} ${titles[status]}</title></head>\r\n<body>\r\n<center><h1>${status} ${titles[status]}</h1></center>\r\n<hr><center>sora-emulator</center>\r\n</body>\r\n</html>\r\n`;
      await readBody(req, config).catch(() => {});
      res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return true;
    }
    authorize();
    if (Number(f.forceStatus) >= 400 && roll('forceStatus', name, 1)) throw forcedError(Number(f.forceStatus));
    if (JOB_ROUTES.includes(name) && roll('createLostResponse', name)) ctx.lostResponse = true;
    if (JOB_ROUTES.includes(name) && roll('acceptedThen5xx', name)) ctx.acceptedThen5xx = true;
    return false;
  }

  /**
   * Faults on a JSON response about to be sent: returns the body to send (truncated by `malformedJson`), or null
   * when the response was lost or replaced by a proxy's 502.
   */
  function tamper(res, ctx, status, body) {
    if (ctx.lostResponse) {
      res.socket && res.socket.destroy();
      return null;
    }
    if (ctx.acceptedThen5xx) { // a proxy gave up after the upstream accepted the job
      const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return null;
    }
    if (status === 200 && ctx.route && roll('malformedJson', ctx.route)) {
      body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    }
    return body;
  }

  /**
   * `resetDuringBody` on a download: sends the headers and part of the bytes, then drops the connection. Returns
   * true when it struck.
   */
  function resetDuringBody(res, status, headers, vf, start, length) {
    if (!roll('resetDuringBody', 'content')) return false;
    res.writeHead(status, headers);
    const cut = Math.max(1, Math.min(Math.floor(length / 2), 64 * 1024));
    const s = vf.stream(start, start + cut - 1);
    s.on('data', (c) => res.write(c));
    s.on('end', () => setTimeout(() => res.socket && res.socket.destroy(), 20));
    s.on('error', () => res.socket && res.socket.destroy());
    return true;
  }

  return { roll, beforeHandler, tamper, resetDuringBody, forcedError };
}

module.exports = { createFaults, forcedError };
