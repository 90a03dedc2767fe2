'use strict';
// The job store: ids, creating jobs, the scheduler (queued → in_progress under the `maxRunning` cap → completed
// or failed, with timers), progress and the public video object, asset expiry, idempotency keys, and the media
// files of a job.

const crypto = require('node:crypto');
const media = require('./media');
const { ApiError } = require('./errors');
const { DEFAULTS } = require('./state');

const MODERATION_WORD = 'BLOCKED_BY_MODERATION';

// One sequence for the process (not per emulator): ids stay unique across the emulators of a test run.
let idSeq = 0;
/** Ids sort lexicographically in creation order: 12 hex ms timestamp + 6 hex sequence + random. */
function newId(prefix) {
  idSeq = (idSeq + 1) % 0xffffff;
  return `${prefix}_${Date.now().toString(16).padStart(12, '0')}${idSeq.toString(16).padStart(6, '0')}${crypto.randomBytes(7).toString('hex')}`;
}

/** An id that says nothing about when the job was made (`shuffleIds`): same shape, random hex. */
function randomId(prefix) {
  return `${prefix}_${crypto.randomBytes(16).toString('hex').slice(0, 32)}`;
}

const nowSec = (ms = Date.now()) => Math.floor(ms / 1000);

/**
 * Progress of a running job under `progressProfile` (`frac` = share of its job time spent): `linear` rises
 * evenly; `stall99` reaches 99 halfway and stays there; `jumps` moves in uneven steps; `none` stays 0 until
 * done; `null` is never given (null), not even when done.
 */
function progressOf(profile, frac) {
  const clamp = (p) => Math.max(0, Math.min(99, Math.floor(p)));
  switch (profile) {
    case 'stall99': return clamp(frac * 200);
    case 'jumps': return frac < 0.25 ? 0 : frac < 0.5 ? 10 : frac < 0.75 ? 40 : 90;
    case 'none': return 0;
    case 'null': return null;
    default: return clamp(frac * 100);
  }
}

function createJobs(state, mediaStore) {
  const { config, jobs, idempotency } = state;

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

  /** Starts eligible queued jobs, oldest first, while fewer than `maxRunning` are in progress. */
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
    state.log(`job ${job.id} -> ${job.status}`);
    pump();
  }

  /** Admin: ends a job now — `fail` with `{code, message}`, otherwise as its timer would. */
  function forceEnd(job, fail, b) {
    clearTimeout(job.timer);
    if (job.status === 'queued') { job.startedAtMs = Date.now(); job.durationMs = 0; }
    job.status = 'in_progress';
    if (fail) {
      job.status = 'failed';
      job.completedAtMs = Date.now();
      job.error = { code: b.code || 'internal_error', message: b.message || 'Video generation failed.' };
      pump();
    } else {
      finish(job);
    }
  }

  function createJob(route, { model, prompt, size, seconds, remixedFrom = null, extensionCount = 0, characterIds = [], inputDigest = null, inputImage = null }) {
    const job = {
      id: config.shuffleIds ? randomId('video') : newId('video'),
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
      // sha256 of the first frame (bytes, or URL as given), null without one: lets tests prove which image a video
      // was made from. Internal only (admin /jobs, emu.jobs()), never in the public API.
      inputDigest,
      // What the video shows of the request: a caption (prompt, model, size, seconds) and the first frame.
      look: config.captions ? { caption: media.captionLines({ prompt, model, size, seconds }), image: inputImage } : {},
      timer: null,
      media: null,
      mediaError: null,
      // Decided once per job, so the same job always looks the same.
      omitCreatedAt: config.omitCreatedAt === true || (typeof config.omitCreatedAt === 'number' && config.random() < config.omitCreatedAt),
    };
    if (config.mediaMode !== 'lazy') startMedia(job);
    jobs.set(job.id, job);
    state.stats.acceptedJobs++;
    state.stats.accepted[route] = (state.stats.accepted[route] || 0) + 1;
    if (route === 'create') state.stats.acceptedCreates++;
    // A job is always `queued` in the create response; it becomes eligible to run after queuedMs (at least one tick).
    const q = Math.max(0, Number(config.queuedMs) || 0);
    setTimer(job, q, () => { job.eligible = true; pump(); });
    return job;
  }

  /** A job-creating request: with an `Idempotency-Key` seen before on this route, the earlier job instead of a new one. */
  function idempotent(req, route, fn) {
    const key = config.ignoreIdempotencyKeys ? undefined : req.headers['idempotency-key'];
    if (key) {
      const existing = idempotency.get(`${route}:${key}`);
      if (existing && jobs.has(existing)) {
        state.stats.idempotentReplays++;
        return { job: jobs.get(existing), replay: true };
      }
    }
    const job = fn();
    if (key) idempotency.set(`${route}:${key}`, job.id);
    return { job, replay: false };
  }

  function getJob(id) {
    const job = jobs.get(id);
    if (!job) throw new ApiError(404, `Video with id '${id}' not found.`, { param: 'video_id', code: 'video_not_found' });
    return job;
  }

  function startMedia(job) {
    if (!job.media) {
      job.media = mediaStore.ensureAll(job.size, job.seconds, job.look);
      job.media.catch((err) => { job.mediaError = err; state.log('media generation failed', err.message); });
    }
    return job.media;
  }

  /** The virtual file of a job's `video` (padded to `padVideoBytes`), `thumbnail` or `spritesheet`. */
  async function assetFor(job, variant) {
    let paths;
    try { paths = await startMedia(job); } catch (err) {
      throw new ApiError(500, `The emulator could not render media: ${err.message}`, { type: 'server_error' });
    }
    if (variant === 'video') return media.paddedMp4(paths.video, Number(config.padVideoBytes) || 0);
    return media.fileAsVirtual(paths[variant]);
  }

  function isExpired(job) {
    return job.status === 'completed' && Date.now() >= job.completedAtMs + Number(config.assetTtlSeconds) * 1000;
  }

  /** The public video object: times on the server's (possibly skewed) clock, progress and status words as configured. */
  function view(job) {
    const profile = config.progressProfile || 'linear';
    let progress = 0;
    if (job.status === 'in_progress') {
      const frac = job.durationMs > 0 ? (Date.now() - job.startedAtMs) / job.durationMs : 1;
      progress = progressOf(profile, frac);
    } else if (job.status === 'completed' || job.status === 'failed') {
      progress = 100;
    }
    if (profile === 'null') progress = null;
    const skewMs = (Number(config.clockSkewS) || 0) * 1000;
    const done = job.completedAtMs != null;
    const words = config.statusWords || {};
    const video = {
      id: job.id,
      object: 'video',
      model: job.model,
      status: words[job.status] || job.status,
      progress,
      created_at: nowSec(job.createdAtMs + skewMs),
      completed_at: done ? nowSec(job.completedAtMs + skewMs) : null,
      expires_at: job.status === 'completed' ? Math.floor((job.completedAtMs + skewMs) / 1000 + Number(config.assetTtlSeconds)) : null,
      prompt: job.prompt,
      size: job.size,
      seconds: job.seconds,
      remixed_from_video_id: job.remixed_from_video_id,
      error: job.error,
    };
    if (job.omitCreatedAt) delete video.created_at;
    return video;
  }

  /**
   * Where a job stands in the list: by creation second (what `created_at` shows), then by id, as a database
   * ordering by `created_at, id` would. Without `shuffleIds` this is creation order.
   */
  function listKey(job) {
    return [Math.floor(job.createdAtMs / 1000), job.id];
  }

  /** Whether the list shows the job yet (`listLagMs` after it was created, decided once per job). */
  function listed(job) {
    if (job.listLagMs === undefined) {
      let lag = config.listLagMs;
      if (typeof lag === 'function') {
        try { lag = lag(view(job)); } catch { lag = 0; }
      }
      job.listLagMs = Math.max(0, Number(lag) || 0);
    }
    return Date.now() >= job.createdAtMs + job.listLagMs;
  }

  /** The video object plus the internal fields tests read (admin `/__emulator/jobs`, `emu.jobs()`). */
  function internalView(job) {
    return {
      ...view(job),
      route: job.route,
      extension_count: job.extensionCount,
      character_ids: job.characterIds,
      duration_ms: job.durationMs,
      input_digest: job.inputDigest,
      input_sha256: job.inputDigest, // the same digest, under the name the fault scenarios read
    };
  }

  /** Stops every job's timer (reset, close). */
  function stopTimers() {
    for (const j of jobs.values()) clearTimeout(j.timer);
  }

  return { pump, finish, forceEnd, createJob, idempotent, getJob, assetFor, isExpired, view, internalView, listKey, listed, stopTimers };
}

module.exports = { createJobs, newId, nowSec, progressOf, MODERATION_WORD };
