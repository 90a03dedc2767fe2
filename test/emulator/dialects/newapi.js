'use strict';
// A new-api gateway in front of the emulator, rebuilt from QuantumNous/new-api:
//   router/video-router.go                  the routes (and nothing else under /v1/videos)
//   controller/relay.go                     RelayNotFound, task errors as {"code","message","data"}
//   relay/common/relay_info.go              TaskSubmitReq (the create body and its JSON types)
//   relay/common/relay_utils.go             ValidateMultipartDirect (missing_model, prompt, invalid_json)
//   relay/relay_task.go                     ResolveOriginTask (remix), RelayTaskSubmit, videoFetchByIDRespBodyBuilder
//   relay/channel/task/sora/adaptor.go      the Sora channel: body forwarded, responseTask, ParseTaskResult,
//                                           ConvertToOpenAIVideo
//   model/task.go                           task statuses, ToVideoStatus, ToOpenAIVideo (other channels)
//   service/task_polling.go                 the background sweep (updateVideoSingleTask)
//   controller/video_proxy.go               GET /v1/videos/:task_id/content
//   relay/channel/task/kling/adaptor.go     the Kling channel (channel 'kling'): convertToRequestPayload, GetModelList
//   controller/model.go, dto/pricing.go     GET /v1/models: dto.OpenAIModels with supported_endpoint_types
//   common/endpoint_type.go                 video channels (Sora, Kling, …) list their models as "openai-video"
// Options: channel 'sora' (default: an OpenAI/Sora channel, the emulator being that upstream) | 'generic' (a
// channel whose adaptor answers through Task.ToOpenAIVideo, e.g. Wan) | 'kling' (the Kling adaptor: it reads
// `duration` (an int, default 5), never `seconds`; Kling makes 5 or 10 s); sweepMs (1000; new-api's own loop
// runs every 15 s; 0 = only `emu.dialect.sweep()`): the background sweep is the only thing that moves a task's
// status; resultUrls (generic only) 'proxy' (default: metadata.url is the gateway's /content) | 'direct' (a
// vendor's signed URL on the asset origin).

const crypto = require('node:crypto');

// model/task.go TaskStatus.ToVideoStatus (NOT_START and anything unknown → "unknown").
const VIDEO_STATUS = { SUBMITTED: 'queued', QUEUED: 'queued', IN_PROGRESS: 'in_progress', SUCCESS: 'completed', FAILURE: 'failed' };
// relay/common/relay_info.go TaskSubmitReq: the JSON type of each field (duration and metadata decode leniently).
const STRING_FIELDS = ['prompt', 'model', 'mode', 'image', 'size', 'seconds', 'input_reference'];
const goType = (v) => (Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v);

module.exports = function newapi(sh) {
  const { opts } = sh;
  const channel = opts.channel || 'sora';
  if (!['sora', 'generic', 'kling'].includes(channel)) throw new Error(`newapi channel must be sora, generic or kling, not "${channel}"`);
  const vendor = channel !== 'sora'; // a channel whose adaptor builds the vendor's request (generic, kling)
  const sweepMs = opts.sweepMs === undefined ? 1000 : Number(opts.sweepMs);
  const tasks = new Map(); // internal id → the gateway's task row
  let timer = null;
  sh.stats.sweeps = 0;

  // model/task.go GenerateTaskID: the public id is "task_" + 32 characters (the emulator's hex, so it maps back).
  const wireId = (id) => `task_${sh.hexOf(id)}`;
  const internalId = (w) => (String(w).startsWith('task_') ? `video_${String(w).slice(5)}` : `unknown_${w}`);
  const nowSec = () => Math.floor(Date.now() / 1000);
  // dto.TaskError marshals as {"code","message","data"} (StatusCode, LocalError and Error are json:"-").
  const taskError = (status, code, message) => sh.raw(status, { code, message, data: null });
  // controller/video_proxy.go videoProxyError.
  const proxyError = (status, type, message) => sh.raw(status, { error: { message, type } });
  // relay/channel/task/taskcommon/helpers.go BuildProxyURL: ServerAddress + /v1/videos/{task}/content.
  const proxyUrl = (taskId) => `${sh.internals.origin}/v1/videos/${taskId}/content`;
  const progressInt = (p) => parseInt(String(p).replace(/%$/, ''), 10) || 0;

  /** The background sweep: service/task_polling.go updateVideoSingleTask, with the Sora adaptor's ParseTaskResult. */
  function sweep() {
    sh.stats.sweeps++;
    for (const t of tasks.values()) {
      if (t.status === 'SUCCESS' || t.status === 'FAILURE') continue;
      const v = sh.internals.video(t.internal);
      if (!v) continue;
      const before = JSON.stringify([t.status, t.progress, t.data]);
      t.data = v; // task.Data = the upstream's latest body
      if (v.status === 'queued') { t.status = 'QUEUED'; t.progress = '20%'; }
      if (v.status === 'in_progress') { t.status = 'IN_PROGRESS'; t.progress = '30%'; }
      if (v.status === 'completed') {
        t.status = 'SUCCESS'; t.progress = '100%';
        t.resultUrl = vendor && opts.resultUrls === 'direct' ? sh.signedUrl(t.internal) : proxyUrl(t.taskId);
      }
      if (v.status === 'failed') { t.status = 'FAILURE'; t.progress = '100%'; t.failReason = (v.error && v.error.message) || 'task failed'; }
      // ParseTaskResult: an upstream progress strictly between 0 and 100 wins.
      if (v.progress > 0 && v.progress < 100) t.progress = `${v.progress}%`;
      if (JSON.stringify([t.status, t.progress, t.data]) !== before) t.updatedAt = nowSec();
    }
  }

  /** GET /v1/videos/:task_id: the task row, never the upstream live. */
  function retrieveBody(t) {
    if (channel === 'sora') {
      // sora/adaptor.go ConvertToOpenAIVideo: the stored upstream body with id, status (unknown → queued), progress
      // and, on failure, error.message overwritten.
      const data = { ...t.data, id: t.taskId };
      const status = VIDEO_STATUS[t.status] || 'unknown';
      data.status = status === 'unknown' ? 'queued' : status;
      data.progress = progressInt(t.progress);
      if (t.status === 'FAILURE' && t.failReason) data.error = { ...(data.error || {}), message: t.failReason };
      return data;
    }
    // model/task.go ToOpenAIVideo: completed_at is UpdatedAt (set from the start); metadata.url is GetResultURL(),
    // which falls back to FailReason — so a failed task shows its reason there, and carries no `error`.
    return {
      id: t.taskId, object: 'video', model: t.model, status: VIDEO_STATUS[t.status] || 'unknown',
      progress: progressInt(t.progress), created_at: t.createdAt, completed_at: t.updatedAt,
      metadata: { url: t.resultUrl || t.failReason || '' },
    };
  }

  /** relay/common/relay_info.go TaskSubmitReq.UnmarshalJSON: a JSON value of the wrong type is invalid_json. */
  function decodeTaskSubmitReq(parsed, code) {
    const f = parsed.fields;
    if (parsed.kind !== 'json') return;
    const fail = (got, field, want) => taskError(400, code, `json: cannot unmarshal ${got} into Go struct field TaskSubmitReq.${field} of type ${want}`);
    for (const k of STRING_FIELDS) {
      if (f[k] !== undefined && f[k] !== null && typeof f[k] !== 'string') throw fail(goType(f[k]), k, 'string');
    }
    if (f.images !== undefined && f.images !== null) {
      if (!Array.isArray(f.images)) throw fail(goType(f.images), 'images', '[]string');
      for (const x of f.images) if (typeof x !== 'string') throw fail(goType(x), 'images', 'string');
    }
  }
  const durationOf = (d) => (Number.isInteger(d) ? d : typeof d === 'string' && /^\d+$/.test(d) ? Number(d) : 0);

  function createBody(parsed) {
    const f = parsed.fields;
    // relay_utils.go ValidateMultipartDirect: invalid_json, then model, then prompt. (Its invalid_size check
    // compares a `size` variable it never reads from the request, so it never fires: a size the model cannot
    // render comes back from the upstream as fail_to_fetch_task.)
    decodeTaskSubmitReq(parsed, 'invalid_json');
    if (typeof f.model !== 'string' || !f.model.trim()) throw taskError(400, 'missing_model', 'model field is required');
    if (typeof f.prompt !== 'string' || !f.prompt.trim()) throw taskError(400, 'invalid_request', 'prompt is required');
    if (channel === 'sora') return parsed; // sora/adaptor.go BuildRequestBody: the body goes upstream as sent
    if (channel === 'kling') return klingBody(parsed);
    // Other channels build the vendor's request from TaskSubmitReq: the first image from input_reference, image or
    // images[0]; seconds, else duration; vendor options in `metadata`; every other top-level field is dropped. A
    // multipart body goes through validateMultipartTaskRequest (relay_utils.go), which reads form values only:
    // an uploaded file never reaches the vendor.
    if (parsed.kind === 'multipart') delete parsed.files.input_reference;
    const image = f.input_reference || f.image || (Array.isArray(f.images) ? f.images[0] : undefined);
    const seconds = (/^\d+$/.test(String(f.seconds ?? '')) ? Number(f.seconds) : 0) || durationOf(f.duration);
    const out = { prompt: f.prompt, model: f.model };
    if (seconds) out.seconds = String(seconds);
    if (f.size) out.size = f.size;
    if (typeof image === 'string' && image) out.input_reference = { image_url: image };
    parsed.fields = out;
    parsed.names = Object.keys(out).concat(parsed.files.input_reference ? ['input_reference'] : []);
    parsed.secondsValues = Array.from({ length: 20 }, (_, i) => String(i + 1)); // the vendor's rules, not OpenAI's
    parsed.gatewayImage = true;
    return parsed;
  }

  // kling/adaptor.go getAspectRatio: 1280x720 and 1920x1080 → 16:9, 720x1280 and 1080x1920 → 9:16, else 1:1.
  const KLING_ASPECT = { '1280x720': '16:9', '1920x1080': '16:9', '720x1280': '9:16', '1080x1920': '9:16' };
  const KLING_SIZE = { '16:9': '1280x720', '9:16': '720x1280' };
  /**
   * kling/adaptor.go convertToRequestPayload: duration = TaskSubmitReq.duration (an int; 0 → 5) — `seconds` is not
   * read; metadata is unmarshalled over the payload (so metadata.duration, a string, wins); aspect ratio from size.
   * Kling's API takes duration "5" or "10"; anything else comes back with a non-zero code, which DoResponse turns
   * into a 400 task_failed with Kling's message. The first frame is `image` only (TaskSubmitReq.Image, or
   * metadata.image): `input_reference` and `images` are not read. Multipart (relay_utils.go
   * validateMultipartTaskRequest, which ValidateBasicTaskRequest uses): duration from the `seconds` field, `image` a
   * form value, every unknown form field a metadata entry (numbers parsed), and uploaded FILES IGNORED — a
   * binary first frame sent as a file never reaches Kling.
   */
  function klingBody(parsed) {
    const f = parsed.fields;
    let meta = {};
    let durationIn = f.duration;
    if (parsed.kind === 'multipart') {
      const KNOWN = ['prompt', 'model', 'mode', 'image', 'images', 'size', 'duration', 'input_reference'];
      for (const [k, v] of Object.entries(f)) {
        if (KNOWN.includes(k) || typeof v !== 'string') continue;
        meta[k] = /^-?\d+$/.test(v) ? Number(v) : /^-?\d*\.\d+$/.test(v) ? Number(v) : v;
      }
      durationIn = /^\d+$/.test(String(f.seconds ?? '')) ? Number(f.seconds) : 0;
      delete parsed.files.input_reference;
    } else if (f.metadata && typeof f.metadata === 'object') {
      meta = f.metadata;
    } else if (typeof f.metadata === 'string' && f.metadata) {
      try { meta = JSON.parse(f.metadata); } catch { throw taskError(400, 'invalid_json', 'invalid character in metadata'); }
    }
    const duration = meta.duration !== undefined ? String(meta.duration) : String(durationOf(durationIn) || 5);
    if (!['5', '10'].includes(duration)) throw taskError(400, 'task_failed', `duration must be 5 or 10, got ${duration}`);
    const aspect = meta.aspect_ratio || KLING_ASPECT[f.size] || '1:1';
    // The emulator renders the contract's sizes only: Kling's 1:1 has no picture here.
    if (!KLING_SIZE[aspect]) throw taskError(400, 'task_failed', `the emulator renders 16:9 and 9:16 only, not ${aspect}`);
    const image = typeof meta.image === 'string' && meta.image ? meta.image : f.image;
    const out = { prompt: f.prompt, model: f.model, seconds: duration, size: KLING_SIZE[aspect] };
    if (typeof image === 'string' && image) out.input_reference = { image_url: klingImage(image) };
    // What Kling received beyond the contract (negative_prompt, sound, image_tail, cfg_scale, …), for tests to read.
    sh.stats.lastVendorOptions = Object.fromEntries(Object.entries(meta).filter(([k]) => !['duration', 'aspect_ratio', 'image'].includes(k)));
    parsed.fields = out;
    parsed.names = Object.keys(out);
    parsed.secondsValues = ['5', '10'];
    parsed.gatewayImage = true;
    return parsed;
  }
  /**
   * Kling's `image` (and `image_tail`): "image Base64 encoding or image URL … do not add any prefix such as
   * data:image/png;base64," (Kling's image2video reference, as mirrored at
   * docs.powertokens.ai/en/zmodelVideo/kling/kling-v2-1-master-image2video; the refusal's wording is ours).
   */
  function klingImage(image) {
    if (/^https?:\/\//i.test(image)) return image;
    if (/^data:/i.test(image)) throw taskError(400, 'task_failed', 'image: Base64 must not carry a data: prefix');
    const head = Buffer.from(image.slice(0, 16), 'base64');
    const mime = head[0] === 0x89 ? 'image/png' : head[0] === 0xff ? 'image/jpeg' : 'image/webp';
    return `data:${mime};base64,${image}`;
  }

  /** kling/adaptor.go GetModelList: the models a Kling channel serves. */
  const KLING_MODELS = ['kling-v1', 'kling-v1-6', 'kling-v2-master', 'kling-v2-1-master', 'kling-v2-5-turbo', 'kling-v2-6'];
  /**
   * controller/model.go ListModels: {success, data: [dto.OpenAIModels], object}. Video channels' models carry
   * supported_endpoint_types ["openai-video"] (common/endpoint_type.go GetEndpointTypesByChannelType).
   */
  function listModels(req, res, ctx, { io }) {
    const ids = channel === 'kling' ? KLING_MODELS : channel === 'generic' ? ['wan2.6-t2v', 'wan2.5-t2v-preview'] : ['sora-2', 'sora-2-pro'];
    const owner = { kling: 'kling', generic: 'ali', sora: 'openai' }[channel];
    const data = ids.map((id) => ({ id, object: 'model', created: 1626777600, owned_by: owner, supported_endpoint_types: ['openai-video'] }));
    // A chat model on the same gateway (another channel): listed, but not for video.
    data.push({ id: 'gpt-4o-mini', object: 'model', created: 1626777600, owned_by: 'openai', supported_endpoint_types: ['openai'] });
    io.sendJson(res, 200, { success: true, data, object: 'list' }, {}, { ...ctx, raw: true });
  }

  /** sora/adaptor.go DoResponse: the upstream answer through `responseTask` (omitempty), ids = the public task id. */
  function responseTask(v, taskId) {
    const o = { id: taskId, task_id: taskId, object: v.object, model: v.model, status: v.status, progress: v.progress || 0, created_at: v.created_at || 0 };
    for (const k of ['completed_at', 'expires_at', 'seconds', 'size', 'remixed_from_video_id']) if (v[k]) o[k] = v[k];
    if (v.error) o.error = { message: v.error.message, code: v.error.code };
    return o;
  }

  function submitted(v, model) {
    const t = {
      internal: v.id, taskId: wireId(v.id), model, status: 'NOT_START', progress: '0%', data: v,
      createdAt: nowSec(), updatedAt: nowSec(), failReason: '', resultUrl: '',
    };
    tasks.set(v.id, t);
    if (channel === 'sora') return responseTask(v, t.taskId);
    return { id: t.taskId, task_id: t.taskId, object: 'video', model, status: 'queued', progress: 0, created_at: t.createdAt };
  }

  return {
    basePath: '/v1',
    // router/video-router.go: POST /videos, GET /videos/:task_id, GET /videos/:task_id/content,
    // POST /videos/:video_id/remix (+ GET /v1/models from the relay router). No list, delete, edits, extensions
    // or characters.
    routes: ['create', 'retrieve', 'content', 'remix', 'models'],
    wireId,
    internalId,

    route(req, url, r) {
      if (r.name === 'models') return { ...r, handler: listModels };
      if (r.name === 'retrieve') {
        return { ...r, handler: async (rq, res, ctx, { io, params }) => {
          const t = tasks.get(params.id);
          // relay_task.go videoFetchByIDRespBodyBuilder: an unknown id is a 400 task_not_exist.
          if (!t) throw taskError(400, 'task_not_exist', 'task_not_exist');
          io.sendJson(res, 200, retrieveBody(t), {}, { ...ctx, raw: true });
        } };
      }
      if (r.name === 'remix') {
        return { ...r, handler: async (rq, res, ctx, { core, params, url: u }) => {
          // relay_task.go ResolveOriginTask: the origin task must be this user's.
          if (!tasks.has(params.id)) throw taskError(400, 'task_not_exist', 'task_origin_not_exist');
          return core.remix(rq, res, ctx, params, u);
        } };
      }
      if (r.name === 'content') {
        return { ...r, handler: async (rq, res, ctx, { core, params, url: u }) => {
          // controller/video_proxy.go VideoProxy.
          const t = tasks.get(params.id);
          if (!t) throw proxyError(404, 'invalid_request_error', 'Task not found');
          if (t.status !== 'SUCCESS') throw proxyError(400, 'invalid_request_error', `Task is not completed yet, current status: ${t.status}`);
          u.searchParams.set('variant', 'video'); // the upstream URL is /v1/videos/{id}/content, no variant
          try {
            await core.content(rq, res, ctx, params, u); // Range is passed upstream; 200 and 206 come back as they are
          } catch (err) {
            if (err && err.status && err.body === undefined) throw proxyError(502, 'server_error', `Upstream service returned status ${err.status}`);
            throw err;
          }
        } };
      }
      return r;
    },

    // controller/relay.go RelayNotFound (gin's NoRoute).
    notFound: (req, url) => sh.raw(404, { error: { message: `Invalid URL (${req.method} ${url.pathname})`, type: 'invalid_request_error', param: '', code: '' } }),

    checkAuth(req, apiKey) {
      if (!apiKey) return;
      // middleware/auth.go TokenAuth → middleware/utils.go abortWithOpenAiMessage (message + request id).
      if (sh.safeEqual(sh.bearerToken(req), String(apiKey))) return;
      throw sh.raw(401, { error: { message: `无效的令牌 (request id: ${crypto.randomBytes(10).toString('hex')})`, type: 'new_api_error', code: '' } });
    },

    body(routeName, parsed) {
      if (routeName === 'create') return createBody(parsed);
      if (routeName === 'remix') {
        // sora/adaptor.go validateRemixRequest: TaskSubmitReq, then a prompt. Other channels need the model.
        decodeTaskSubmitReq(parsed, 'invalid_request');
        const f = parsed.fields;
        if (vendor && (typeof f.model !== 'string' || !f.model.trim())) throw taskError(400, 'missing_model', 'model field is required');
        if (typeof f.prompt !== 'string' || !f.prompt.trim()) throw taskError(400, 'invalid_request', 'field prompt is required');
        // The gateway sets `model` itself; the rest of the body goes upstream as sent.
        parsed.names = parsed.names.filter((n) => n !== 'model');
      }
      return parsed;
    },

    outgoing(routeName, status, obj, headers, errorRoute) {
      const out = { status, obj, headers: { ...headers } };
      if (status >= 400) {
        if (errorRoute === 'create' || errorRoute === 'remix') {
          // relay_task.go RelayTaskSubmit: a non-200 upstream answer is fail_to_fetch_task with the upstream's
          // status and body; controller/relay.go RelayTask rewrites a 429's message.
          const message = status === 429 ? '当前分组上游负载已饱和，请稍后再试' : JSON.stringify(obj);
          out.obj = taskError(status, 'fail_to_fetch_task', message).toJSON();
        }
        return out;
      }
      if (routeName === 'create' || routeName === 'remix') {
        const model = routeName === 'remix' && tasks.has(obj.remixed_from_video_id) ? tasks.get(obj.remixed_from_video_id).model : obj.model;
        out.obj = submitted(obj, model);
        // relay_task.go step 10: the billing ratios go back in a header (Go marshals map keys sorted): the Sora
        // adaptor's EstimateBilling (seconds, size); other adaptors' BaseBilling gives none.
        const size = ['1792x1024', '1024x1792'].includes(obj.size) ? 1.666667 : 1;
        out.headers['X-New-Api-Other-Ratios'] = channel === 'sora' ? JSON.stringify({ seconds: Number(obj.seconds) || 4, size }) : '{}';
      }
      return out;
    },

    // The gateway writes its own JSON (no upstream headers); middleware/request-id.go adds X-Oneapi-Request-Id.
    finalHeaders(headers) {
      const out = {};
      for (const [k, v] of Object.entries(headers)) if (!/^(openai-|x-request-id$)/.test(k)) out[k] = v;
      out['X-Oneapi-Request-Id'] = crypto.randomBytes(12).toString('hex');
      return out;
    },

    // controller/video_proxy.go: the upstream's headers, then Cache-Control (and the request id middleware's).
    contentHeaders: (headers) => ({ ...headers, 'cache-control': 'public, max-age=86400', 'X-Oneapi-Request-Id': crypto.randomBytes(12).toString('hex') }),

    reset() { tasks.clear(); },
    start() {
      if (sweepMs > 0) {
        timer = setInterval(sweep, sweepMs);
        if (timer.unref) timer.unref();
      }
    },
    close() { clearInterval(timer); },

    api: {
      channel,
      /** Runs the background sweep now (tests use this instead of waiting for `sweepMs`). */
      sweep,
      /** The gateway's task rows: {taskId, status (NOT_START…), progress ("30%"), failReason, resultUrl}. */
      tasks: () => [...tasks.values()].map(({ taskId, status, progress, failReason, resultUrl }) => ({ taskId, status, progress, failReason, resultUrl })),
    },
  };
};
