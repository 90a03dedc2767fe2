'use strict';
// A LiteLLM proxy in front of the emulator, rebuilt from BerriAI/litellm:
//   litellm/proxy/video_endpoints/endpoints.py      routes, provider resolution, content response
//   litellm/proxy/video_endpoints/utils.py          id encoding of answers, video references
//   litellm/types/videos/utils.py                   encode/decode_video_id_with_provider
//   litellm/types/videos/main.py                    VideoObject (what every video answer is dumped through)
//   litellm/llms/openai/videos/transformation.py    provider openai/azure: pass-through, usage, image as a file
//   litellm/llms/gemini/videos/transformation.py    provider gemini/vertex_ai (Veo): operations, nulls, no remix…
//   litellm/llms/fal_ai/videos/transformation.py    provider fal_ai (Kling on fal.ai's queue; commit 0f4ce954): JSON
//                                                   only, a URL string as first frame, `duration` "5"/"10"…
// Options: provider 'openai' (default) | 'azure' | 'gemini' | 'vertex_ai' | 'fal_ai' (the deployment behind the proxy; CLI
// `--provider`); reencodeIds (false): status and remix answers carry the id re-encoded with an empty model_id;
// jsonErrorAsVideo (false): an upstream 404 on /content comes back as 200 video/mp4 with the JSON error as body;
// model (Veo only, 'veo-3.1-generate-preview'): the deployment's model when the request names none;
// modelInfo (true): whether GET /v1/model/info answers (false: 403, as for a key that may not read it).
//   litellm/proxy/proxy_server.py                   GET /v1/models (model_list) and GET /v1/model/info (model_info_v1)
//   model_prices_and_context_window.json            the cost-map entries model_info carries (mode, price per second)

const crypto = require('node:crypto');

// litellm/types/videos/main.py VideoObject: pydantic dumps every field, unset ones as null, in this order.
const VIDEO_FIELDS = ['id', 'object', 'status', 'created_at', 'completed_at', 'expires_at', 'error', 'progress',
  'remixed_from_video_id', 'seconds', 'size', 'model', 'usage'];
// litellm/llms/openai/videos/transformation.py get_supported_openai_params (+ characters, sent as given).
const OPENAI_CREATE_FIELDS = ['prompt', 'model', 'input_reference', 'seconds', 'size', 'user', 'characters'];
// litellm/llms/gemini/videos/transformation.py _convert_size_to_aspect_ratio: anything else becomes 16:9.
const VEO_ASPECT = { '1280x720': '16:9', '1920x1080': '16:9', '720x1280': '9:16', '1080x1920': '9:16' };
const VEO_SIZE = { '720p:16:9': '1280x720', '720p:9:16': '720x1280', '1080p:16:9': '1920x1080', '1080p:9:16': '1080x1920' };
const VEO_UNSUPPORTED = {
  list: 'Video list is not supported by Google Veo. Use the operations endpoint directly if you need to list operations.',
  remix: 'Video remix is not supported by Google Veo. Please use video_generation() to create new videos.',
  edit: 'Video edit is not supported by Google Veo.',
  extend: 'Video extension is not supported by Google Veo.',
  characterCreate: 'Video character creation is not supported by Google Veo.',
  characterGet: 'Video character retrieval is not supported by Google Veo.',
};
// litellm/litellm_core_utils/exception_mapping_utils.py: the exception class a status maps to.
// litellm/llms/fal_ai/videos/transformation.py: remix, list, edits, extensions and characters raise NotImplementedError.
const FAL_UNSUPPORTED = {
  list: 'video listing is not supported for fal.ai',
  remix: 'video remix is not supported for fal.ai',
  edit: 'video edit is not supported for fal.ai',
  extend: 'video extension is not supported for fal.ai',
  characterCreate: 'video character creation is not supported for fal.ai',
  characterGet: 'video character retrieval is not supported for fal.ai',
};
// fal_ai transformation.py _size_params: WIDTHxHEIGHT → resolution by height (≤480 480p, ≤720 720p, ≤1080 1080p,
// else 4k) and the reduced aspect ratio when it is one fal knows.
const FAL_ASPECTS = ['auto', '16:9', '9:16', '1:1', '4:3', '3:4', '21:9'];
const falResolution = (height) => (height <= 480 ? '480p' : height <= 720 ? '720p' : height <= 1080 ? '1080p' : '4k');
const ERROR_CLASS = { 400: 'BadRequestError', 401: 'AuthenticationError', 403: 'PermissionDeniedError', 404: 'NotFoundError',
  408: 'Timeout', 413: 'BadRequestError', 422: 'UnprocessableEntityError', 429: 'RateLimitError', 500: 'InternalServerError',
  502: 'APIConnectionError', 503: 'ServiceUnavailableError' };

module.exports = function litellm(sh) {
  const { opts } = sh;
  const provider = opts.provider || 'openai';
  if (!['openai', 'azure', 'gemini', 'vertex_ai', 'fal_ai'].includes(provider)) throw new Error(`litellm provider must be openai, azure, gemini, vertex_ai or fal_ai, not "${provider}"`);
  const veo = provider === 'gemini' || provider === 'vertex_ai';
  const fal = provider === 'fal_ai';
  // The exception class prefix the proxy puts before the upstream's text (exception_mapping_utils.py: the provider
  // with its first letter upper-cased + "Exception", so fal_ai → Fal_aiException).
  const PROVIDER_EXC = { openai: 'OpenAIException', azure: 'AzureException', gemini: 'GeminiException', vertex_ai: 'VertexAIException', fal_ai: 'Fal_aiException' }[provider];
  const UNSUPPORTED = veo ? VEO_UNSUPPORTED : fal ? FAL_UNSUPPORTED : {};
  sh.stats.listProviders = {};

  // ---------------- ids (litellm/types/videos/utils.py) ----------------

  // encode_video_id_with_provider: "video_" + base64("litellm:custom_llm_provider:{p};model_id:{m};video_id:{id}").
  const encode = (rawId, modelId) => `video_${Buffer.from(`litellm:custom_llm_provider:${provider};model_id:${modelId || ''};video_id:${rawId}`).toString('base64')}`;
  // decode_video_id_with_provider: missing padding added; anything that does not decode (invalid UTF-8, no ';')
  // is the upstream id as it is.
  function decode(s) {
    s = String(s);
    if (!s.startsWith('video_')) return { video_id: s };
    let c = s.slice('video_'.length);
    if (c.length % 4) c += '='.repeat(4 - (c.length % 4));
    let text;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(c, 'base64')); } catch { return { video_id: s }; }
    const parts = text.split(';');
    if (parts.length < 3) return { video_id: s };
    return {
      custom_llm_provider: parts[0].replace('litellm:custom_llm_provider:', ''),
      model_id: parts[1].replace('model_id:', ''),
      video_id: parts[2].replace('video_id:', ''),
    };
  }
  // The upstream's own id: OpenAI's video_… as it is; Veo's long-running operation name
  // (litellm/llms/gemini/videos/transformation.py transform_video_create_response: id = operation name).
  const modelOf = (id) => { const v = sh.internals && sh.internals.video(id); return v ? v.model : ''; };
  // fal.ai's queue answers a submit with a `request_id` (fal_ai transformation.py transform_video_create_response).
  const upstreamId = (id) => (veo ? `models/${modelOf(id)}/operations/${sh.hexOf(id)}` : fal ? `fal-${sh.hexOf(id)}` : id);
  function internalId(wire) {
    const raw = decode(wire).video_id;
    if (fal) return /^fal-[0-9a-f]+$/.test(raw) ? `video_${raw.slice(4)}` : raw;
    if (!veo) return raw;
    const m = /\/operations\/([0-9a-f]+)$/.exec(raw);
    return m ? `video_${m[1]}` : raw;
  }

  // ---------------- errors ----------------

  // litellm/proxy/_types.py ProxyException: {"error": {message, type, param, code}} with code the status as a string.
  const proxyError = (status, message, type = null, param = null) => sh.raw(status, { error: { message, type, param, code: String(status) } });
  /** An upstream error as the proxy re-raises it: "litellm.<Class>: <Provider>Exception - <upstream body>". */
  function upstreamError(status, body) {
    const e = (body && body.error) || {};
    return proxyError(status, `litellm.${ERROR_CLASS[status] || 'APIError'}: ${PROVIDER_EXC} - ${JSON.stringify(body)}`, e.type ?? null, e.param ?? null);
  }
  const veoError = (message) => proxyError(400, `litellm.BadRequestError: ${PROVIDER_EXC} - ${JSON.stringify({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } })}`, 'invalid_request_error');
  // An exception the proxy does not map (NotImplementedError, ValueError) → 500 APIConnectionError.
  const unmapped = (message) => proxyError(500, `litellm.APIConnectionError: ${PROVIDER_EXC} - ${message}`);

  // ---------------- the deployments (config.yaml model_list) and their model info ----------------

  // What a proxy with this provider would be configured with; model_info as model_info_v1 returns it: the cost
  // map's entry (model_prices_and_context_window.json: gemini/veo-3.1-generate-preview output_cost_per_second 0.4,
  // openai/sora-2 output_cost_per_video_per_second 0.1) merged with the deployment's id. A chat deployment beside them.
  // fal_ai: Kling on fal's queue, the model ids of BerriAI/litellm's fal_ai tests (fal-ai/kling-video/…); no cost-map
  // entry for them (so no price), and a text-to-video and an image-to-video endpoint, as fal splits them.
  const DEPLOYMENTS = fal
    ? [
      { model_name: 'kling-v2-5-turbo', model: 'fal_ai/fal-ai/kling-video/v2.5-turbo/pro/text-to-video', info: { mode: 'video_generation' } },
      { model_name: 'kling-v2-5-turbo-i2v', model: 'fal_ai/fal-ai/kling-video/v2.5-turbo/pro/image-to-video', info: { mode: 'video_generation' } },
      { model_name: 'gpt-4o-mini', model: 'openai/gpt-4o-mini', info: { mode: 'chat', input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 } },
    ]
    : veo
    ? [
      { model_name: 'veo-3.1-generate-preview', model: `${provider}/veo-3.1-generate-preview`, info: { mode: 'video_generation', output_cost_per_second: 0.4 } },
      { model_name: 'veo-3.1-fast-generate-preview', model: `${provider}/veo-3.1-fast-generate-preview`, info: { mode: 'video_generation', output_cost_per_second: 0.15 } },
      { model_name: 'gemini-2.5-flash', model: `${provider}/gemini-2.5-flash`, info: { mode: 'chat', input_cost_per_token: 3e-7, output_cost_per_token: 2.5e-6 } },
    ]
    : [
      { model_name: 'sora-2', model: `${provider}/sora-2`, info: { mode: 'video_generation', output_cost_per_video_per_second: 0.1 } },
      { model_name: 'sora-2-pro', model: `${provider}/sora-2-pro`, info: { mode: 'video_generation', output_cost_per_video_per_second: 0.3 } },
      { model_name: 'gpt-4o-mini', model: `${provider}/gpt-4o-mini`, info: { mode: 'chat', input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 } },
    ];
  // proxy_server.py model_list: {data: [{id, object: "model", created, owned_by}], object: "list"} — ids only.
  function listModels(req, res, ctx, { io }) {
    const data = DEPLOYMENTS.map((d) => ({ id: d.model_name, object: 'model', created: 1677610602, owned_by: 'openai' }));
    io.sendJson(res, 200, { data, object: 'list' }, {}, { ...ctx, raw: true });
  }
  // proxy_server.py model_info_v1: {data: [{model_name, litellm_params (no keys), model_info}]}.
  function modelInfo(req, res, ctx, { io }) {
    if (opts.modelInfo === false) throw proxyError(403, 'Only proxy admins and internal users can read model info', 'auth_error');
    const data = DEPLOYMENTS.map((d, i) => ({
      model_name: d.model_name,
      litellm_params: { model: d.model },
      model_info: { id: `deployment-${i + 1}`, db_model: false, key: d.model, litellm_provider: provider, ...d.info },
    }));
    io.sendJson(res, 200, { data }, {}, { ...ctx, raw: true });
  }

  // ---------------- answers ----------------

  function videoObject(src, id, usage) {
    const o = {};
    for (const k of VIDEO_FIELDS) o[k] = src[k] === undefined ? null : src[k];
    o.id = id;
    o.usage = usage;
    return o;
  }
  // openai/videos/transformation.py transform_video_create_response / _remix_response: usage from `seconds`.
  const usageOf = (v) => ({ duration_seconds: Number(v.seconds) });
  // gemini/videos/transformation.py: create → {id, status "processing", model, usage}; status → {id (re-encoded
  // with no model_id), status processing | completed | failed}; everything else stays null.
  function veoAnswer(v, routeName) {
    if (routeName === 'create') return videoObject({ object: 'video', status: 'processing', model: v.model }, encode(upstreamId(v.id), v.model), usageOf(v));
    const status = v.status === 'completed' ? 'completed' : v.status === 'failed' ? 'failed' : 'processing';
    const error = v.status === 'failed' && v.error ? { code: v.error.code, message: v.error.message } : null;
    return videoObject({ object: 'video', status, error }, encode(upstreamId(v.id), ''), null);
  }

  // fal_ai transformation.py: create → {id (with the model), status "queued", created_at now, model, seconds, size = the
  // resolution it asked for, usage {duration_seconds, video_resolution}}; status → {id re-encoded WITHOUT the model,
  // status queued | in_progress | completed (failed with an error), created_at 0}, everything else null.
  const FAL_STATUS = { queued: 'queued', in_progress: 'in_progress', completed: 'completed' };
  function falAnswer(v, routeName) {
    // By height, as _resolution_for_height does: a portrait 720x1280 is "4k" to LiteLLM.
    const resolution = falResolution(Number(String(v.size).split('x')[1]));
    if (routeName === 'create') {
      return videoObject({ object: 'video', status: 'queued', created_at: v.created_at, model: v.model, seconds: v.seconds, size: resolution },
        encode(upstreamId(v.id), v.model), { duration_seconds: Number(v.seconds), video_resolution: resolution });
    }
    const failed = v.status === 'failed';
    const error = failed ? { code: 'fal_error', message: (v.error && v.error.message) || 'Video generation failed' } : null;
    return videoObject({ object: 'video', status: failed ? 'failed' : FAL_STATUS[v.status] || 'queued', created_at: 0, error }, encode(upstreamId(v.id), ''), null);
  }

  /**
   * fal_ai transformation.py map_openai_params + transform_video_create_request, then fal's Kling endpoint:
   * input_reference must be a string (a file or an object raises ValueError → 500); seconds → duration
   * str(int(float)); size → resolution (by height) + aspect_ratio; every other field passes through to fal as it is.
   * fal-ai/kling-video takes duration "5" or "10" and aspect_ratio 16:9, 9:16 or 1:1 and answers anything else with
   * a 422 validation error; its text-to-video endpoint has no image field, its image-to-video one needs image_url.
   */
  function falBody(parsed) {
    const f = parsed.fields;
    if (parsed.files.input_reference || (f.input_reference !== undefined && typeof f.input_reference !== 'string')) {
      throw unmapped('fal.ai needs a public image URL for input_reference');
    }
    const alias = DEPLOYMENTS.find((d) => d.model_name === f.model || d.model === f.model || d.model === `fal_ai/${f.model}`);
    // proxy/route_llm_request.py: a model no deployment serves is a 400 before any provider code runs (the text as
    // proxies answer it; the route name in front is ours). The chat deployment is refused the same way here: the real
    // proxy would send it to its own provider, which the emulator does not play.
    if (!alias || alias.info.mode !== 'video_generation') {
      throw proxyError(400, `/videos: Invalid model name passed in model=${f.model ?? ''}. Call \`/v1/models\` to view available models for your key.`, 'invalid_request_error');
    }
    const model = alias.model.replace(/^fal_ai\//, '');
    if (f.seconds !== undefined && !/^\s*\d+(\.\d*)?\s*$/.test(String(f.seconds))) throw unmapped('fal.ai seconds must be a numeric value');
    const duration = f.seconds === undefined ? '5' : String(Math.trunc(Number(f.seconds)));
    let aspect = null;
    const m = /^(\d+)x(\d+)$/.exec(String(f.size ?? ''));
    if (m) {
      const [w, h] = [Number(m[1]), Number(m[2])];
      const gcd = (a, b) => (b ? gcd(b, a % b) : a);
      const ratio = `${w / gcd(w, h)}:${h / gcd(w, h)}`;
      if (FAL_ASPECTS.includes(ratio)) aspect = ratio;
    }
    const invalid = (loc, msg, input) => {
      throw proxyError(422, `litellm.UnprocessableEntityError: ${PROVIDER_EXC} - ${JSON.stringify({ detail: [{ loc: ['body', loc], msg, type: 'literal_error', input }] })}`);
    };
    if (!['5', '10'].includes(duration)) invalid('duration', "Input should be '5' or '10'", duration);
    aspect = aspect || '16:9'; // fal's Kling default
    if (!['16:9', '9:16', '1:1'].includes(aspect)) invalid('aspect_ratio', "Input should be '16:9', '9:16' or '1:1'", aspect);
    const imageToVideo = model.endsWith('/image-to-video');
    const url = typeof f.input_reference === 'string' ? f.input_reference : typeof f.image_url === 'string' ? f.image_url : null;
    if (imageToVideo && url === null) invalid('image_url', 'Field required', null);
    // Kling's fal schema has no resolution (LiteLLM's `resolution` is ignored): the emulator renders the size asked
    // when it is one of the contract's 16:9 or 9:16 sizes, else 720p in the aspect ratio.
    const size = m && ['1280x720', '720x1280', '1920x1080', '1080x1920'].includes(m[0]) ? m[0] : { '16:9': '1280x720', '9:16': '720x1280' }[aspect];
    if (!size) throw unmapped(`the emulator renders 16:9 and 9:16 only, not ${aspect}`);
    // What fal received beyond what LiteLLM maps (negative_prompt, cfg_scale, …), for tests to read.
    const MAPPED = ['prompt', 'model', 'seconds', 'size', 'input_reference', 'image_url', 'user'];
    sh.stats.lastVendorOptions = Object.fromEntries(Object.entries(f).filter(([k]) => !MAPPED.includes(k)));
    // Only the image-to-video endpoint reads an image (fal ignores fields its schema does not have).
    const out = { prompt: f.prompt, model, seconds: duration, size };
    if (imageToVideo) out.input_reference = { image_url: url };
    parsed.fields = out;
    parsed.names = Object.keys(out);
    parsed.secondsValues = ['5', '10'];
    parsed.gatewayImage = true; // fal fetches the URL and takes any image size
    return parsed;
  }

  function veoBody(parsed) {
    const f = parsed.fields;
    let url = null;
    if (f.input_reference !== undefined && !parsed.files.input_reference) {
      if (typeof f.input_reference !== 'string') throw veoError('input_reference must be an image file or an image URL, not an object.');
      url = f.input_reference;
    } else if (typeof f.image_url === 'string') {
      url = f.image_url; // a top-level image_url is passed through as the Veo image
    }
    if (url !== null && !/^(https?:\/\/|data:)/i.test(url)) throw veoError(`Unsupported image reference: ${url.slice(0, 40)}`);
    // map_openai_params: seconds → durationSeconds (int(seconds); unparsable ones are dropped → Veo's default 8).
    const n = f.seconds === undefined || !/^\s*\d+\s*$/.test(String(f.seconds)) ? 8 : Number(f.seconds);
    if (![4, 6, 8].includes(n)) throw veoError('`durationSeconds` must be one of 4, 6 or 8.');
    const resolution = f.resolution === undefined ? '720p' : f.resolution; // passed through as a Veo parameter
    if (!['720p', '1080p'].includes(resolution)) throw veoError(`Unsupported resolution: ${resolution}. Use 720p or 1080p.`);
    if (resolution === '1080p' && n !== 8) throw veoError('1080p is only supported with a duration of 8 seconds.');
    const aspect = f.size !== undefined && f.size !== null ? (VEO_ASPECT[f.size] || '16:9') : (f.aspectRatio || '16:9');
    if (!VEO_SIZE[`${resolution}:${aspect}`]) throw veoError(`Unsupported aspectRatio: ${aspect}. Use 16:9 or 9:16.`);
    let model = typeof f.model === 'string' ? f.model.replace(/^(gemini|vertex_ai)\//, '') : '';
    if (!model.includes('veo')) model = opts.model || 'veo-3.1-generate-preview';
    const out = { prompt: f.prompt, model, seconds: String(n), size: VEO_SIZE[`${resolution}:${aspect}`] };
    if (url !== null) out.input_reference = { image_url: url };
    parsed.fields = out;
    parsed.names = Object.keys(out).concat(parsed.files.input_reference ? ['input_reference'] : []);
    parsed.secondsValues = ['4', '6', '8'];
    parsed.gatewayImage = true; // Veo takes any image size and fetches URLs itself
    return parsed;
  }

  function openaiCreateBody(parsed) {
    const f = parsed.fields;
    // openai/videos/transformation.py _add_image_to_files: input_reference always goes upstream as a file part.
    // A string becomes the bytes of that file (the upstream then refuses it as an image); an object cannot be a
    // file at all.
    if (f.input_reference !== undefined && !parsed.files.input_reference) {
      if (typeof f.input_reference !== 'string') {
        throw unmapped(`Expected a file for 'input_reference' (it is always sent upstream as a file), got ${Array.isArray(f.input_reference) ? 'list' : 'dict'}.`);
      }
      parsed.files.input_reference = { name: 'input_reference', filename: 'input_reference.png', contentType: 'image/png', data: Buffer.from(f.input_reference), isFile: true };
    }
    delete f.input_reference;
    // With a file the request goes upstream as multipart (every value a string); without, as JSON (a number stays
    // a number, which the upstream refuses).
    if (parsed.files.input_reference && typeof f.seconds === 'number') f.seconds = String(f.seconds);
    // litellm/videos/utils.py get_requested_video_generation_optional_param: anything else is dropped, not refused.
    for (const k of Object.keys(f)) if (!OPENAI_CREATE_FIELDS.includes(k)) delete f[k];
    if (typeof f.model === 'string') f.model = f.model.replace(/^(openai|azure)\//, '');
    parsed.names = Object.keys(f).concat(parsed.files.input_reference ? ['input_reference'] : []);
    return parsed;
  }

  return {
    basePath: '/v1', // endpoints.py: every route at /v1/videos… and /videos…
    routes: ['create', 'retrieve', 'list', 'content', 'remix', 'edit', 'extend', 'characterCreate', 'characterGet', 'models'],
    wireId: (id) => encode(upstreamId(id), modelOf(id)),
    internalId,

    route(req, url, r) {
      if (r.name === 'models') return { ...r, handler: listModels };
      if (r.name === 'modelInfo') return { ...r, handler: modelInfo };
      // endpoints.py has no DELETE route: Starlette answers 405 before any dependency (auth) runs.
      if (r.name === 'delete') throw sh.raw(405, { detail: 'Method Not Allowed' });
      if (r.name === 'list') {
        // endpoints.py video_list: provider from the custom-llm-provider header or custom_llm_provider query,
        // else the default (openai); the query is passed upstream as it is (`after` stays whatever was sent).
        const p = req.headers['custom-llm-provider'] || url.searchParams.get('custom_llm_provider') || 'openai';
        sh.stats.listProviders[p] = (sh.stats.listProviders[p] || 0) + 1;
        url.searchParams.delete('custom_llm_provider');
      }
      // fal_ai transformation.py _decode_video_id: status and content rebuild fal's queue URL from the model in the id;
      // the id a status answer carries has none (ValueError → 500), only the one create answered with works.
      if (fal && (r.name === 'retrieve' || r.name === 'content') && r.params.wireId !== undefined && !decode(r.params.wireId).model_id) {
        return { ...r, handler: async () => { throw unmapped('fal.ai video ids must be created through litellm with a model'); } };
      }
      if (UNSUPPORTED[r.name]) {
        // gemini/ and fal_ai/videos/transformation.py: NotImplementedError, which the proxy answers as a 500 (after auth).
        return { ...r, handler: async () => { throw unmapped(UNSUPPORTED[r.name]); } };
      }
      if (r.name === 'characterCreate') {
        // endpoints.py video_create_character: `video: UploadFile = File(...)`, `name: str = Form(...)` — FastAPI
        // refuses any other body with its 422 validation error.
        return { ...r, handler: async (rq, res, ctx, { core, url: u, params }) => {
          if (!String(rq.headers['content-type'] || '').toLowerCase().startsWith('multipart/form-data')) {
            rq.resume();
            const missing = (k) => ({ type: 'missing', loc: ['body', k], msg: 'Field required', input: null });
            throw sh.raw(422, { detail: [missing('video'), missing('name')] });
          }
          return core.characterCreate(rq, res, ctx, params, u);
        } };
      }
      if (r.name === 'content') {
        return { ...r, handler: async (rq, res, ctx, { core, url: u, params }) => {
          // endpoints.py video_content: the whole body from video_content() in one Response — no Range, and
          // `variant` is not read (always the MP4).
          delete rq.headers.range;
          u.searchParams.set('variant', 'video');
          try {
            await core.content(rq, res, ctx, params, u);
          } catch (err) {
            const upstream = err && err.status && err.body === undefined;
            // Open PR BerriAI/litellm#32602: the upstream's 404 JSON comes back as the video itself.
            if (upstream && err.status === 404 && opts.jsonErrorAsVideo) {
              const body = JSON.stringify(err.toJSON());
              res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': Buffer.byteLength(body), 'content-disposition': `attachment; filename=video_${params.wireId}.mp4` });
              res.end(body);
              return;
            }
            // gemini/videos/transformation.py transform_video_content_request: ValueError → 500.
            if (upstream && veo && err.status === 400) {
              throw unmapped(err.code === 'video_generation_failed' ? 'No response data in completed operation' : 'Video generation is not complete yet. Please check status with video_status() before downloading.');
            }
            // fal_ai/videos/transformation.py _extract_video_url: no video in the result → ValueError → 500.
            if (upstream && fal && err.status === 400) throw unmapped('fal.ai video result did not include a video URL');
            throw err;
          }
        } };
      }
      return r;
    },

    // Starlette's own 404 for paths with no route.
    notFound: () => sh.raw(404, { detail: 'Not Found' }),

    checkAuth(req, apiKey) {
      if (!apiKey) return;
      // litellm/proxy/auth/user_api_key_auth.py: `Authorization: Bearer <key>` or `x-litellm-api-key: <key>`.
      const bearer = sh.bearerToken(req);
      const given = bearer !== null ? bearer : req.headers['x-litellm-api-key'] ? String(req.headers['x-litellm-api-key']).trim() : null;
      if (sh.safeEqual(given, String(apiKey))) return;
      throw sh.raw(401, { error: { message: 'Authentication Error, Invalid proxy server token passed. Unable to find token in cache or `LiteLLM_VerificationTokenTable`', type: 'auth_error', param: 'None', code: '401' } });
    },

    body(routeName, parsed) {
      const f = parsed.fields;
      if (routeName === 'create') return veo ? veoBody(parsed) : fal ? falBody(parsed) : openaiCreateBody(parsed);
      if (routeName === 'remix') {
        // openai/videos/transformation.py transform_video_remix_request: data = {"prompt": prompt} (+ extra_body).
        parsed.fields = { prompt: f.prompt };
        parsed.names = ['prompt'];
      }
      if ((routeName === 'edit' || routeName === 'extend') && f.video !== undefined && !parsed.files.video) {
        // video_endpoints/utils.py video_reference_to_id: {id}, a JSON string of it, or the id itself; decoded.
        let ref = f.video;
        if (typeof ref === 'string') { try { ref = JSON.parse(ref); } catch { ref = { id: ref }; } }
        if (ref && typeof ref === 'object' && typeof ref.id === 'string') f.video = { ...ref, id: internalId(ref.id) };
      }
      return parsed;
    },

    outgoing(routeName, status, obj, headers, errorRoute) {
      if (status >= 400) {
        if (errorRoute === 'asset' || !obj || !obj.error) return { status, obj, headers };
        // litellm/proxy/common_request_processing.py _handle_llm_api_exception: the upstream error re-raised.
        return { status, obj: upstreamError(status, obj).toJSON(), headers };
      }
      const reencode = opts.reencodeIds ? '' : null;
      let out = obj;
      if (['create', 'edit', 'extend'].includes(routeName)) {
        out = veo ? veoAnswer(obj, 'create') : fal ? falAnswer(obj, 'create') : videoObject(obj, encode(obj.id, obj.model), usageOf(obj));
      } else if (routeName === 'remix') {
        out = videoObject(obj, encode(obj.id, reencode ?? obj.model), usageOf(obj));
      } else if (routeName === 'retrieve') {
        out = veo ? veoAnswer(obj, 'retrieve') : fal ? falAnswer(obj, 'retrieve') : videoObject(obj, encode(obj.id, reencode ?? obj.model), null);
      } else if (routeName === 'list') {
        // The upstream list with each item dumped as a VideoObject; first_id / last_id stay the raw upstream ids.
        out = { ...obj, data: obj.data.map((v) => videoObject(v, encode(v.id, v.model), null)) };
      }
      return { status, obj: out, headers };
    },

    // litellm/proxy/common_request_processing.py get_custom_headers: the upstream's response headers come back
    // prefixed `llm_provider-` (so `llm_provider-openai-poll-after-ms`); Veo sends no openai-* headers at all.
    finalHeaders(headers) {
      if (headers['content-type'] === 'video/mp4') return headers;
      const out = {};
      for (const [k, v] of Object.entries(headers)) {
        if (/^(openai-|x-request-id$)/.test(k)) { if (!veo && !fal) out[`llm_provider-${k}`] = v; } else out[k] = v;
      }
      out['x-litellm-call-id'] = crypto.randomUUID();
      return out;
    },

    // endpoints.py video_content: Response(content, media_type="video/mp4",
    // headers={"Content-Disposition": f"attachment; filename=video_{video_id}.mp4"}) — nothing else.
    contentHeaders(headers, params) {
      if (params.direct) return headers;
      return { 'content-type': 'video/mp4', 'content-disposition': `attachment; filename=video_${params.wireId}.mp4` };
    },

    api: { provider, encode, decode },
  };
};
