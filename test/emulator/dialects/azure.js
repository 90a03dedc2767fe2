'use strict';
// Azure OpenAI v1 video generation, from Microsoft Learn "Video generation with Sora (preview)" and its REST
// reference (learn.microsoft.com/azure/ai-foundry/openai/concepts/video-generation, .../reference-preview-latest
// "Videos"): base `/openai/v1`, the key in `api-key` (or a Microsoft Entra token as Bearer), create, get, content,
// list, delete and remix; no characters, edits or extensions; jobs kept 24 h (the emulator's default
// `assetTtlSeconds` of 86400).

const SECONDS = ['4', '8', '12']; // Learn "Video generation": "seconds … 4, 8 or 12"
const SIZES = ['720x1280', '1280x720']; // Learn "Video generation": "size … 720x1280 or 1280x720"

module.exports = function azure(sh) {
  const bad = (message, param, code) => new sh.ApiError(400, message, { param, code });

  return {
    basePath: '/openai/v1', // Learn REST reference: https://{resource}.openai.azure.com/openai/v1/videos
    // Learn REST reference "Videos": create, list, retrieve, delete, content, remix — nothing else.
    routes: ['create', 'retrieve', 'list', 'delete', 'content', 'remix', 'models'],
    wireId: (id) => id,
    internalId: (id) => String(id),

    // Azure's front door answers unknown paths (characters, edits, extensions) with its own 404 envelope.
    notFound: () => sh.raw(404, { error: { code: '404', message: 'Resource not found' } }),

    checkAuth(req, apiKey) {
      if (!apiKey) return;
      // Learn "Authentication": `api-key: <key>`, or `Authorization: Bearer <Entra token>` (the emulator takes the
      // key as the token).
      const given = req.headers['api-key'] !== undefined ? String(req.headers['api-key']).trim() : sh.bearerToken(req);
      if (sh.safeEqual(given, String(apiKey))) return;
      throw sh.raw(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
    },

    body(routeName, parsed) {
      if (routeName !== 'create') return parsed;
      const f = parsed.fields;
      if (f.seconds !== undefined && !SECONDS.includes(String(f.seconds))) {
        throw bad(`Invalid value: '${f.seconds}'. Supported values are: '4', '8', and '12'.`, 'seconds', 'invalid_value');
      }
      if (f.size !== undefined && !SIZES.includes(String(f.size))) {
        throw bad(`Invalid value: '${f.size}'. Supported values are: '720x1280' and '1280x720'.`, 'size', 'invalid_value');
      }
      // Learn "Video generation": the image reference is a file upload (multipart `input_reference`); a JSON
      // object (image_url / file_id) is not accepted.
      if (f.input_reference !== undefined && !parsed.files.input_reference) {
        throw bad("Invalid 'input_reference': expected an image file uploaded as multipart/form-data.", 'input_reference', 'invalid_type');
      }
      return parsed;
    },
  };
};
