'use strict';
// Request validation with OpenAI's messages and codes: unknown fields, prompt, model, seconds, size (per model
// family), input_reference (file, data URL, https URL or file_id), characters, the `video` reference of
// edits/extensions, and character uploads. Every check throws an ApiError (400 unless said otherwise).

const crypto = require('node:crypto');
const media = require('./media');
const { ApiError, bad, typeName, oxford } = require('./errors');

const SORA2_MODELS = ['sora-2', 'sora-2-2025-10-06', 'sora-2-2025-12-08'];
const PRO_MODELS = ['sora-2-pro', 'sora-2-pro-2025-10-06'];
const SIZES_720 = ['720x1280', '1280x720'];
const ALL_SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
const SECONDS = ['4', '8', '12', '16', '20'];
const MAX_TOTAL_SECONDS = 120;
const CHARACTER_MIN_S = 2;
const CHARACTER_MAX_S = 4;
const CHARACTER_TOLERANCE_S = 0.1; // real encoders overshoot by a few ms (AAC priming)

/** The sora-2 family renders 720p only; sora-2-pro and any other model id take all six sizes. */
function allowedSizes(model) { return SORA2_MODELS.includes(model) ? SIZES_720 : ALL_SIZES; }

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

/** sha256 (hex) of the first frame's bytes or of its URL: what `input_digest` records per job. */
const digest = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** `anySize`: servers that scale the first frame themselves (dialect modes) skip the dimension check. */
function checkImage(buf, size, param, anySize = false) {
  const info = media.detectImage(buf);
  if (!info) {
    throw bad("Invalid file format for 'input_reference'. Supported formats are: 'image/jpeg', 'image/png', and 'image/webp'.", param, 'invalid_image_format');
  }
  if (!info.width || !info.height) throw bad(`Could not read the dimensions of '${param}'.`, param, 'invalid_image');
  if (!anySize && `${info.width}x${info.height}` !== size) {
    throw bad('Inpaint image must match the requested width and height', param, 'invalid_value');
  }
  // `data`: the image itself, so the emulator's video can open on it (internal, never in the public API).
  return { ...info, digest: digest(buf), data: buf };
}

/**
 * Returns null or {kind, digest, …}; `digest` identifies the first frame (bytes, or the URL / file id as given).
 * `gateway`: a server in front that scales the image itself and fetches plain http URLs too (dialect modes).
 */
function validateInputReference(body, size, { gateway = false } = {}) {
  const anySize = gateway;
  const file = body.files.input_reference;
  if (file) return { kind: 'file', ...checkImage(file.data, size, 'input_reference', anySize) };
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
    return { kind: 'file_id', file_id: v.file_id, digest: digest(`file_id:${v.file_id}`) };
  }
  const url = v.image_url;
  if (typeof url !== 'string') throw bad(`Invalid type for 'input_reference.image_url': expected a string, but got ${typeName(url)} instead.`, 'input_reference.image_url', 'invalid_type');
  if (url.startsWith('data:')) {
    const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
    if (!m) throw bad("Invalid 'input_reference.image_url': malformed data URL.", 'input_reference.image_url', 'invalid_value');
    const isB64 = /;base64/i.test(m[2]);
    const buf = isB64 ? Buffer.from(m[3], 'base64') : Buffer.from(decodeURIComponent(m[3]), 'latin1');
    return { kind: 'data_url', ...checkImage(buf, size, 'input_reference.image_url', anySize) };
  }
  if ((gateway ? /^https?:\/\/[^\s/]+/i : /^https:\/\/[^\s/]+/i).test(url)) return { kind: 'url', url, digest: digest(url) };
  throw bad("Invalid 'input_reference.image_url': expected an https URL or a base64-encoded data URL.", 'input_reference.image_url', 'invalid_value');
}

/** An uploaded `video` file must be an MP4 (ftyp box); returns what media.probeMp4 read from it. */
function probeVideoUpload(file) {
  const info = media.probeMp4(file.data);
  if (!info.isMp4) throw bad("Invalid file format for 'video'. Supported format is: 'video/mp4'.", 'video', 'invalid_video_format');
  return info;
}

function validateCharacterName(name) {
  if (name === undefined) throw bad("Missing required parameter: 'name'.", 'name', 'missing_required_parameter');
  if (typeof name !== 'string' || name.length < 1) throw bad("Invalid 'name': string too short. Expected a string with minimum length 1, but got an empty string instead.", 'name', 'string_below_min_length');
  if (name.length > 80) throw bad(`Invalid 'name': string too long. Expected a string with maximum length 80, but got a string with length ${name.length} instead.`, 'name', 'string_above_max_length');
  return name;
}

/** A character's `video`: an MP4 of 2–4 s (± the encoder tolerance). */
function validateCharacterVideo(file) {
  if (!file) throw bad("Missing required parameter: 'video' (an MP4 file).", 'video', 'missing_required_parameter');
  const info = probeVideoUpload(file);
  if (info.duration == null) throw bad("Could not read the duration of 'video' (no moov/mvhd box).", 'video', 'invalid_video');
  if (info.duration < CHARACTER_MIN_S - CHARACTER_TOLERANCE_S || info.duration > CHARACTER_MAX_S + CHARACTER_TOLERANCE_S) {
    throw bad(`Character videos must be between ${CHARACTER_MIN_S} and ${CHARACTER_MAX_S} seconds long, but the uploaded video is ${info.duration.toFixed(2)} seconds.`, 'video', 'invalid_video_duration');
  }
  return info;
}

function requireCompleted(job, what) {
  if (job.status !== 'completed') {
    throw bad(`Video '${job.id}' is ${job.status}; only completed videos can be ${what}.`, 'video_id', 'invalid_video_status');
  }
}

/** Size of an uploaded MP4 (even dimensions up to 4096), else 720x1280. */
function sizeFromUpload(info) {
  const w = info.width, h = info.height;
  if (w && h && w % 2 === 0 && h % 2 === 0 && w <= 4096 && h <= 4096) return `${w}x${h}`;
  return '720x1280';
}
/** Whole seconds of an uploaded MP4, 1–120 (4 when unknown). */
function secondsFromUpload(info) {
  const d = Math.round(info.duration || 4);
  return String(Math.max(1, Math.min(MAX_TOTAL_SECONDS, d)));
}

/** The checks that read the config or the emulator's jobs and characters. */
function createValidation(state) {
  const { config, jobs, characters } = state;

  function checkUnknown(body, allowed) {
    if (config.acceptUnknownFields) return;
    for (const name of body.names) {
      if (!allowed.includes(name)) throw bad(`Unknown parameter: '${name}'.`, name, 'unknown_parameter');
    }
  }

  /** `values`: the durations this server takes (a dialect's own list, e.g. Veo's 4/6/8), default OpenAI's. */
  function validateSeconds(v, { required = false, fallback = '4', values = SECONDS } = {}) {
    if (v === undefined || v === null) {
      if (required) throw bad("Missing required parameter: 'seconds'.", 'seconds', 'missing_required_parameter');
      return fallback;
    }
    if (typeof v === 'number' && config.acceptNumericSeconds) v = String(v);
    if (typeof v !== 'string') {
      throw bad(`Invalid type for 'seconds': expected one of ${oxford(values, 'or')}, but got ${typeName(v)} instead.`, 'seconds', 'invalid_type');
    }
    if (!values.includes(v)) throw bad(`Invalid value: '${v}'. Supported values are: ${oxford(values)}.`, 'seconds', 'invalid_value');
    return v;
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
    if (file) return { kind: 'file', info: probeVideoUpload(file) };
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

  return { checkUnknown, validateSeconds, validateCharacters, resolveVideoRef };
}

module.exports = {
  createValidation,
  validatePrompt,
  validateModel,
  validateSize,
  validateInputReference,
  validateCharacterName,
  validateCharacterVideo,
  requireCompleted,
  sizeFromUpload,
  secondsFromUpload,
  MAX_TOTAL_SECONDS,
};
