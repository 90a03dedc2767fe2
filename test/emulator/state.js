'use strict';
// Configuration and the per-emulator state. Every module gets the one state object createState() returns (through
// its factory), never module-level variables: several emulators run side by side in one process in the tests.

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
  // Behaviours of real job lists (README "Job list behaviours").
  listLagMs: 0,
  clockSkewS: 0,
  progressProfile: 'linear',
  shuffleIds: false,
  ignoreCursor: false,
  omitCreatedAt: false,
  statusWords: {},
  gate: null,
  mediaDir: undefined,
  mediaMode: 'eager',
  // Videos say what they are (prompt, model, size, seconds) and open on the input image; off: one shared test
  // pattern per size and duration (faster where a run makes many videos, as the tests and the bench do).
  captions: true,
  maxBodyBytes: 256 * 1024 * 1024,
  random: Math.random,
  log: null,
});

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

/** The config as `GET /__emulator/config` shows it: no key, no functions. */
function publicConfig(config) {
  const out = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'apiKey') { out.apiKeySet = !!v; continue; }
    if (k === 'noVideoAccessKeys') { out.noVideoAccessKeys = Array.isArray(v) ? v.length : 0; continue; }
    if (k === 'random' || k === 'log') continue;
    if (k === 'gate') { out.gate = typeof v === 'function'; continue; }
    if (typeof v === 'function') out[k] = 'function';
    else if (v === Infinity) out[k] = 'Infinity';
    else out[k] = v;
  }
  return out;
}

/** Options or a setConfig() patch → config entries (undefined dropped, `maxRunning: null|'Infinity'` → Infinity). */
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

/**
 * The state of one emulator. `config` and the maps are changed in place; `stats` and `faultsUsed` are replaced
 * (reset, setConfig), so read them as `state.stats` / `state.faultsUsed` at the time of use.
 */
function createState(options, dialect) {
  const config = { ...DEFAULTS, ...(dialect ? dialect.defaults : {}), ...normalizeConfig(options) };
  return {
    config,
    /** Dialect mode (dialects/) or null. */
    dialect,
    stats: emptyStats(),
    jobs: new Map(), // id -> job (insertion order = creation order)
    /** Ids of deleted jobs -> their list position, so an `after` cursor naming one still works. */
    deletedKeys: new Map(),
    characters: new Map(),
    idempotency: new Map(), // `${route}:${key}` -> video id
    shaCache: new Map(),
    /** Faults injected since the last `faults` change (counts against `faults.budget`). */
    faultsUsed: 0,
    log(...args) {
      if (typeof config.log === 'function') config.log(...args);
      else if (config.log) console.error('[sora-emulator]', ...args);
    },
  };
}

module.exports = { DEFAULTS, emptyStats, publicConfig, normalizeConfig, createState };
