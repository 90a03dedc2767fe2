/**
 * LiteLLM proxy (BerriAI/litellm `litellm/proxy/video_endpoints/endpoints.py`): the contract's
 * routes proxied to the provider behind it, which decides what works.
 * - No DELETE route at all (405), and `/content` ignores `variant`: only the MP4.
 * - The first frame always goes upstream as a file (`litellm/llms/openai/videos/transformation.py`),
 *   so a JSON `input_reference` object fails: the node uploads the image itself.
 * - Behind OpenAI or Azure everything else passes through; list needs `custom-llm-provider`.
 * - Behind Veo (gemini, vertex_ai) and most other providers, remix, list, edits, extensions and
 *   characters raise NotImplementedError (a 500): refused before any request instead.
 * - Behind fal.ai (`litellm/llms/fal_ai/videos/transformation.py`, Kling and others on fal's queue) the
 *   first frame must be a string (a file or an object raises "fal.ai needs a public image URL for
 *   input_reference"), which fal fetches itself: JSON only, an image URL as it is, a binary image as a data: URL
 *   (fal takes data URIs where it takes file URLs: docs.fal.ai "fal CDN").
 */
import { contractForm, contractJson, promptOnly } from './openai';
import type { OptionSpelling } from './modelOptions';
import type { Dialect, Feature, ServerDefinition } from './types';
import { litellmModelInfo, openAiModels } from './modelLists';

/** Providers whose video routes LiteLLM passes through whole (litellm/llms/{openai,azure}/videos). */
const FULL_PROVIDERS = ['openai', 'azure'];

/** Providers that take the first frame only as a string in JSON (a URL or a data: URL), never as a file. */
const STRING_IMAGE_PROVIDERS = ['fal_ai'];
const takesImageString = (dialect: Dialect) => STRING_IMAGE_PROVIDERS.includes((dialect.provider ?? '').toLowerCase());

/**
 * The model options each provider takes. The proxy hands unknown body fields to the provider's map_openai_params
 * (litellm/videos/main.py, videos/utils.py); what survives, and under which name, is the provider's:
 * - fal_ai passes every unknown field to fal verbatim (fal_ai/videos/transformation.py); fal's Kling endpoints name a
 *   negative prompt `negative_prompt` (fal-ai/kling-video llms.txt schemas). Other fal fields differ per model.
 * - gemini builds Veo's `parameters` through GeminiVideoGenerationParameters, which keeps `negativePrompt` and drops
 *   `seed` and `generateAudio` (types/llms/gemini.py); its lastFrame/referenceImages want Veo image objects, not URLs.
 * - vertex_ai keeps only what is in `extra_body`, which goes into Veo's `parameters` as it is
 *   (vertex_ai/videos/transformation.py).
 * - volcengine (Seedance on Ark) passes `seed` and `generate_audio` through (volcengine/videos/transformation.py).
 * - openai and azure forward to a Videos API that has none of them.
 */
const PROVIDER_OPTIONS: Record<string, OptionSpelling> = {
	fal_ai: { negativePrompt: (text) => ({ negative_prompt: text }) },
	gemini: { negativePrompt: (text) => ({ negativePrompt: text }) },
	vertex_ai: {
		negativePrompt: (text) => ({ extra_body: { negativePrompt: text } }),
		seed: (seed) => ({ extra_body: { seed } }),
		generateAudio: (on) => ({ extra_body: { generateAudio: on } }),
	},
	volcengine: { seed: (seed) => ({ seed }), generateAudio: (on) => ({ generate_audio: on }) },
};

/** Its list passes the upstream objects on without their prompts, so a prompt filter cannot match. */
const ALWAYS_LACKS: Feature[] = ['delete', 'thumbnail', 'spritesheet', 'fileId', 'listPrompts'];

export const litellm: ServerDefinition = {
	name: 'LiteLLM proxy',
	lacks: (dialect) =>
		// Without a named provider LiteLLM assumes openai (litellm/videos/main.py).
		!dialect.provider || FULL_PROVIDERS.includes(dialect.provider.toLowerCase())
			? ALWAYS_LACKS
			: [...ALWAYS_LACKS, 'list', 'remix', 'edit', 'extend', 'characters'],
	nameFor: (dialect, feature) =>
		dialect.provider && !ALWAYS_LACKS.includes(feature) ? `LiteLLM proxy with provider ${dialect.provider}` : 'LiteLLM proxy',
	imageUrl: (dialect) => (takesImageString(dialect) ? 'json' : 'upload'),
	multipart: (dialect) => !takesImageString(dialect),
	createJson: (fields, reference, dialect) => {
		const body = contractJson(fields, reference);
		// fal_ai map_openai_params: `input_reference` → fal's `image_url`, a string.
		if (reference?.image_url && takesImageString(dialect)) body.input_reference = reference.image_url;
		return body;
	},
	createForm: contractForm,
	modelOptions: (dialect) => PROVIDER_OPTIONS[(dialect.provider ?? '').toLowerCase()],
	remixBody: promptOnly,
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: false,
	// litellm/proxy/proxy_server.py: GET /v1/model/info (`model_info_v1`, the deployments with their cost-map entry:
	// mode video_generation, price per second) where the key may read it; else GET /v1/models (`model_list`: ids only).
	modelLists: [
		{ path: '/model/info', parse: litellmModelInfo },
		{ path: '/models', parse: openAiModels },
	],
};
