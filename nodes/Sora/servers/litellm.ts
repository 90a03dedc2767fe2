/**
 * LiteLLM proxy (BerriAI/litellm `litellm/proxy/video_endpoints/endpoints.py`): the contract's
 * routes proxied to the provider behind it, which decides what works.
 * - No DELETE route at all (405), and `/content` ignores `variant`: only the MP4.
 * - The first frame always goes upstream as a file (`litellm/llms/openai/videos/transformation.py`),
 *   so a JSON `input_reference` object fails: the node uploads the image itself.
 * - Behind OpenAI or Azure everything else passes through; list needs `custom-llm-provider`.
 * - Behind Veo (gemini, vertex_ai) and most other providers, remix, list, edits, extensions and
 *   characters raise NotImplementedError (a 500): refused before any request instead.
 */
import { contractForm, contractJson, promptOnly } from './openai';
import type { Feature, ServerDefinition } from './types';

/** Providers whose video routes LiteLLM passes through whole (litellm/llms/{openai,azure}/videos). */
const FULL_PROVIDERS = ['openai', 'azure'];

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
	imageUrl: 'upload',
	createJson: contractJson,
	createForm: contractForm,
	remixBody: promptOnly,
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: false,
	// litellm/proxy/proxy_server.py: GET /v1/model/info (`model_info_v1`, the deployments with their cost-map entry:
	// mode video_generation, price per second) where the key may read it; else GET /v1/models (`model_list`: ids only).
	modelLists: [
		{ path: '/model/info', shape: 'litellmModelInfo' },
		{ path: '/models', shape: 'openaiModels' },
	],
};
