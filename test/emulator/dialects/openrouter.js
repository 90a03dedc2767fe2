'use strict';
// OpenRouter's video generation API, from its API reference and video guide (openrouter.ai/docs/api/api-reference/
// videos, …/video-generation/create-videos, …/list-videos-models) and the OpenAPI schemas behind its SDKs
// (VideoGenerationRequest, VideoGenerationResponse, VideoModel): POST /api/v1/videos (JSON), GET /api/v1/videos/
// {jobId}, GET /api/v1/videos/{jobId}/content?index=N, GET /api/v1/videos/models, GET /api/v1/key. No list,
// delete, remix, edits, extensions or characters.
// Options: resultUrls 'signed' (default: signed `urls` on another origin + `unsigned_urls`) | 'proxy' (only
// `unsigned_urls`) | 'none' (neither: the client must know /content?index=0); urlTtlSeconds (3600).

// GET /api/v1/videos/models (VideoModel): what each model takes. The emulator's catalogue; prices per second.
const MODELS = [
  { id: 'openai/sora-2', name: 'Sora 2', durations: [4, 8, 12], resolutions: ['720p'], aspects: ['16:9', '9:16'],
    sizes: ['1280x720', '720x1280'], frames: ['first_frame'], audio: true, price: 0.1 },
  { id: 'openai/sora-2-pro', name: 'Sora 2 Pro', durations: [4, 8, 12], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16'],
    sizes: ['1280x720', '720x1280', '1792x1024', '1024x1792'], frames: ['first_frame'], audio: true, price: 0.3 },
  { id: 'google/veo-3.1', name: 'Veo 3.1', durations: [4, 6, 8], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16'],
    sizes: null, frames: ['first_frame', 'last_frame'], audio: true, price: 0.4 },
  // Slugs from OpenRouterTeam/docs cookbook/video-generation/choose-video-model.mdx (the list's actual output), with
  // the lowest advertised price it prints; durations and resolutions from the Kling / Wan entries of the node's
  // research (Kling 5 or 10 s; Wan 2.6 5, 10 or 15 s, no 480p). Aspect ratios: the two the emulator renders.
  { id: 'kwaivgi/kling-video-o1', name: 'Kling Video O1', durations: [5, 10], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16'],
    sizes: null, frames: ['first_frame', 'last_frame'], audio: false, price: 0.112 },
  { id: 'alibaba/wan-2.6', name: 'Wan 2.6', durations: [5, 10, 15], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16'],
    sizes: null, frames: ['first_frame'], audio: true, price: 0.04 },
];
const SIZE_OF = { '720p:16:9': '1280x720', '720p:9:16': '720x1280', '1080p:16:9': '1920x1080', '1080p:9:16': '1080x1920' };

module.exports = function openrouter(sh) {
  const { opts } = sh;
  if (opts.resultUrls === undefined) opts.resultUrls = 'signed';
  // OpenRouter's error envelope: {"error": {"code": <status>, "message": …}}.
  const orError = (status, message) => sh.raw(status, { error: { code: status, message } });
  const bad = (message) => orError(400, message);
  const wireId = (id) => `job-${sh.hexOf(id)}`;
  const internalId = (w) => (String(w).startsWith('job-') ? `video_${String(w).slice(4)}` : `unknown_${w}`);
  // Create answer: "a job ID (id) and relative polling URL (polling_url)".
  const pollingUrl = (id) => `/api/v1/videos/${wireId(id)}`;

  function videoModels(req, res, ctx, { io }) {
    const created = 1759708800;
    const data = MODELS.map((m) => ({
      id: m.id, canonical_slug: m.id, name: m.name, created, supported_resolutions: m.resolutions,
      supported_aspect_ratios: m.aspects, supported_durations: m.durations, supported_sizes: m.sizes,
      supported_frame_images: m.frames, generate_audio: m.audio, seed: null, allowed_passthrough_parameters: [],
      pricing_skus: { generate: m.price.toFixed(3) }, // "values as strings" (openapi.yaml VideoModel.pricing_skus)
    }));
    io.sendJson(res, 200, { data }, {}, { ...ctx, raw: true });
  }

  /** VideoGenerationRequest → the emulator's fields. Unknown fields (`seconds`, …) are ignored, not refused. */
  function createBody(parsed) {
    if (parsed.kind !== 'json') throw bad('Content-Type must be application/json');
    const f = parsed.fields;
    if (typeof f.model !== 'string' || !f.model) throw bad("'model' is required");
    const m = MODELS.find((x) => x.id === f.model);
    if (!m) throw bad(`Model '${f.model}' is not a video generation model. See GET /api/v1/videos/models.`);
    if (typeof f.prompt !== 'string' || !f.prompt) throw bad("'prompt' is required");
    let duration = m.durations[0];
    if (f.duration !== undefined) {
      // duration: an integer the model supports (a string is refused).
      if (typeof f.duration !== 'number' || !Number.isInteger(f.duration)) throw bad(`Expected integer for 'duration', received ${typeof f.duration}`);
      if (!m.durations.includes(f.duration)) throw bad(`duration ${f.duration} is not supported by ${m.id}; supported: ${m.durations.join(', ')}`);
      duration = f.duration;
    }
    let size;
    if (f.size !== undefined) {
      // size "WxH", for models that list supported sizes.
      if (!m.sizes || !m.sizes.includes(f.size)) throw bad(`size ${f.size} is not supported by ${m.id}`);
      size = f.size;
    } else {
      const resolution = f.resolution ?? m.resolutions[0];
      const aspect = f.aspect_ratio ?? m.aspects[0];
      if (!m.resolutions.includes(resolution)) throw bad(`resolution ${resolution} is not supported by ${m.id}; supported: ${m.resolutions.join(', ')}`);
      if (!m.aspects.includes(aspect)) throw bad(`aspect_ratio ${aspect} is not supported by ${m.id}; supported: ${m.aspects.join(', ')}`);
      size = SIZE_OF[`${resolution}:${aspect}`];
    }
    const out = { prompt: f.prompt, model: m.id, seconds: String(duration), size };
    if (f.frame_images !== undefined) {
      // frame_images[{type:"image_url", image_url:{url}, frame_type:"first_frame"|"last_frame"}].
      if (!Array.isArray(f.frame_images)) throw bad("'frame_images' must be an array");
      for (const [i, frame] of f.frame_images.entries()) {
        const url = frame && frame.type === 'image_url' && frame.image_url && frame.image_url.url;
        if (typeof url !== 'string' || !['first_frame', 'last_frame'].includes(frame.frame_type)) {
          throw bad(`frame_images[${i}] must be {type:"image_url", image_url:{url}, frame_type:"first_frame"|"last_frame"}`);
        }
        if (!m.frames.includes(frame.frame_type)) throw bad(`${m.id} does not support frame_type ${frame.frame_type}`);
        if (frame.frame_type === 'first_frame') out.input_reference = { image_url: url };
      }
    }
    if (f.input_references !== undefined && !Array.isArray(f.input_references)) throw bad("'input_references' must be an array");
    if (f.generate_audio !== undefined && typeof f.generate_audio !== 'boolean') throw bad("'generate_audio' must be a boolean");
    if (f.seed !== undefined && !Number.isInteger(f.seed)) throw bad("'seed' must be an integer");
    if (f.callback_url !== undefined && typeof f.callback_url !== 'string') throw bad("'callback_url' must be a string");
    parsed.fields = out;
    parsed.names = Object.keys(out);
    parsed.secondsValues = m.durations.map(String);
    parsed.gatewayImage = true; // the provider takes the frame at any size
    return parsed;
  }

  function job(v) {
    // VideoGenerationResponse: pending → in_progress → completed | failed | cancelled | expired; error a string.
    let status = { queued: 'pending' }[v.status] || v.status;
    if (v.status === 'failed' && v.error && ['cancelled', 'expired'].includes(v.error.code)) status = v.error.code;
    const out = { id: wireId(v.id), polling_url: pollingUrl(v.id), status };
    if (v.status === 'completed') {
      out.generation_id = `gen-${sh.hexOf(v.id).slice(0, 12)}`;
      if (opts.resultUrls !== 'none') out.unsigned_urls = [`${sh.internals.apiBase}/videos/${wireId(v.id)}/content?index=0`];
      if (opts.resultUrls === 'signed') out.urls = [sh.signedUrl(v.id)];
      const m = MODELS.find((x) => x.id === v.model);
      out.usage = { cost: Math.round((m ? m.price : 0.1) * Number(v.seconds) * 1000) / 1000, is_byok: false };
    }
    if (status === 'failed' || status === 'cancelled' || status === 'expired') out.error = v.error ? v.error.message : 'Generation failed';
    return out;
  }

  return {
    basePath: '/api/v1',
    routes: ['create', 'retrieve', 'content', 'models', 'key'],
    wireId,
    internalId,

    route(req, url, r) {
      // GET /api/v1/videos/models, which the route table reads as a job id.
      if (r.name === 'retrieve' && r.params.wireId === 'models') return { name: 'videoModels', params: {}, handler: videoModels };
      if (r.name === 'content') {
        // /content?index=N: index 0 is the only output; the emulator's `variant` does not exist here.
        const index = url.searchParams.has('index') ? url.searchParams.get('index') : '0';
        if (index !== '0') throw orError(404, `No output at index ${index} for this job.`);
        url.searchParams.set('variant', 'video');
      }
      return r;
    },

    notFound: () => orError(404, 'Not Found'),

    checkAuth(req, apiKey) {
      if (!apiKey) return;
      const given = sh.bearerToken(req);
      if (sh.safeEqual(given, String(apiKey))) return;
      throw orError(401, given === null ? 'No auth credentials found' : 'User not found.');
    },

    body(routeName, parsed) {
      return routeName === 'create' ? createBody(parsed) : parsed;
    },

    outgoing(routeName, status, obj, headers) {
      const out = { status, obj, headers: { ...headers } };
      delete out.headers['openai-poll-after-ms'];
      if (status >= 400) {
        if (obj && obj.error && obj.error.message !== undefined) out.obj = { error: { code: status, message: obj.error.message } };
        return out;
      }
      if (routeName === 'create') {
        out.status = 202; // "202 Accepted with job ID and polling URL"
        out.obj = { id: wireId(obj.id), polling_url: pollingUrl(obj.id), status: 'pending' };
      } else if (routeName === 'retrieve') {
        out.obj = job(obj);
      }
      return out;
    },

    api: { models: MODELS.map((m) => m.id) },
  };
};
