/**
 * The one table of the video models the node knows (Sora included), read only through ./index (the registry).
 * A built-in table of the well-known video models that servers speaking the Sora 2 Videos API put behind
 * `POST /v1/videos`. Every fact in it comes from a source named in the entry's `sources`; a fact that could
 * not be confirmed is left undefined (the node then treats that field as free entry) and is named there with a
 * line that starts 'not confirmed:'.
 *
 * Sources are URLs, or 'owner/repo path' strings for public repositories (read at the commit or date given).
 * 'secondary' marks a source that is not the model maker's own (an integrator, gateway or reseller); LiteLLM's
 * price file is one. Prices change: each price line says where and when it was read.
 *
 * Research done on 2026-12-01. OpenAI shut the Videos API and every sora-2* model down on 2026-09-24; the
 * Sora entries stay because compatible servers still accept those ids and the figures document the contract.
 */

export interface KnownModel {
	/** Ids (and aliases) servers use for it, lower-case and without a 'provider/' prefix. */
	ids: string[];
	/**
	 * The same model as gateways spell it with their provider prefix (OpenRouter's slugs, LiteLLM's 'openai/…'),
	 * each from a source in `sources`. Checks strip any prefix anyway; the editor needs them spelled out, since
	 * its display rules compare whole values.
	 */
	slugs?: string[];
	/** Display name: 'Veo 3.1', 'Kling 2.1 Master', … */
	name: string;
	family: 'sora' | 'veo' | 'kling' | 'seedance' | 'wan' | 'hailuo' | 'runway' | 'grok' | 'other';
	/** Whole seconds the model can make; undefined = not confirmed (free entry). */
	seconds?: number[];
	/** Either exact sizes 'WxH' (Sora style) … */
	sizes?: string[];
	/** … or resolutions ('480p', '720p', '1080p', '4k') and aspect ratios ('16:9', '9:16', '1:1', …). */
	resolutions?: string[];
	aspectRatios?: string[];
	/** Constraints that tie fields together, as data: e.g. Veo 3.1 1080p only at 8 s. */
	rules?: Array<{ resolution?: string; size?: string; seconds: number[] }>;
	/** Image inputs: first frame, last frame, reference images (how many). */
	firstFrame?: boolean;
	lastFrame?: boolean;
	referenceImages?: number;
	/** Whether it makes audio. */
	audio?: 'always' | 'optional' | 'never';
	/** Whether it takes a seed, and a negative prompt; undefined = not confirmed (the server decides). */
	seed?: boolean;
	negativePrompt?: boolean;
	/** USD per generated second by resolution or size key ('*' for any); undefined when not confirmed. */
	pricePerSecond?: Record<string, number>;
	/** Where each fact comes from; also a line for anything NOT confirmed. */
	sources: string[];
}

/** Whole seconds from `from` to `to`, both included. */
function secondsFrom(from: number, to: number): number[] {
	const all: number[] = [];
	for (let second = from; second <= to; second++) all.push(second);
	return all;
}

// Sources used by several entries.
const OPENAI_SPEC =
	'shared/spec/videos-openapi.yaml (the /videos part of OpenAI\'s OpenAPI document): VideoModel ids, VideoSeconds 4/8/12, VideoSize 720x1280/1280x720/1024x1792/1792x1024, one input_reference image (shared/API-NOTES.md section 3: it becomes the first frame); no last-frame or reference-image field';
const OPENAI_SDK =
	'npm openai 7.57.0 resources/videos.d.ts: VideoSeconds = \'4\' | \'8\' | \'12\'; VideoSize = \'720x1280\' | \'1280x720\' | \'1024x1792\' | \'1792x1024\'';
const OPENAI_SORA2_PAGE =
	'https://developers.openai.com/de-DE/api/docs/models/sora-2 (OpenAI model page, stored copy taken after the 2026-09-24 shutdown): per second, Portrait 720x1280 / Landscape 1280x720: Sora 2 $0.10, Sora 2 Pro $0.30; audio is an output modality';
const LITELLM_SORA_IDS =
	'BerriAI/litellm release notes v1.79.1-stable (2025-11-01, secondary): new model openai/sora-2-pro, $0.30/video/second; LiteLLM names a model <provider>/<id>, hence openai/sora-2 for Sora 2';
const API_NOTES_AUDIO =
	'shared/API-NOTES.md section 3: audio is always generated and steered only by the prompt; there is no seed, n, negative_prompt, fps, aspect_ratio, webhook URL or metadata field';
const LITELLM_PRICES =
	'BerriAI/litellm model_prices_and_context_window.json (commit 00035b69f416be24e2e323c13198d9b7d2d1bdf9, secondary)';
const LITELLM_VERTEX =
	'BerriAI/litellm model_prices_and_context_window.json vertex_ai/* video entries, read from the copy in RoCry/llm-api-price (synced 2026-07-24, secondary)';
const GOOGLE_COOKBOOK =
	'google-gemini/cookbook quickstarts/Get_started_Veo.ipynb (commit f1e7e3de, 2026-08-07): duration_seconds 4, 6 or 8 with Veo 3.1 (always 8 s for Veo 3 on the Gemini API); aspect 16:9 or 9:16; resolution 720p or 1080p; last frame only together with a first frame; up to 3 reference images, Veo 3.1 (not Fast) only, 720p 16:9';
const GOOGLE_VIDEO_PAGE =
	'https://ai.google.dev/gemini-api/docs/video?hl=zh-CN (Google, stored copy): Veo 3.1 makes 8 s 720p, 1080p or 4k video with native audio; 16:9 or 9:16; first and/or last frame; up to three reference images';
const GOOGLE_PRICING =
	'https://ai.google.dev/gemini-api/docs/pricing: "Veo 3.1 Standard video with audio: $0.40 (720p and 1080p), $0.60 (4k)" per second, as read on 2026-09-20 (transcript in api-evangelist/gemini plans/gemini-plans-pricing.yml)';
const VEO_1080P_RULE =
	'shared/API-NOTES.md section 9 (LiteLLM behind Veo): seconds 4, 6 or 8, 1080p only at 8; https://docs.modellix.ai/google/veo-3-1-fast-t2v (secondary): "1080p and 4k are only available for 8-second duration"';
const COMFY_VEO3 =
	'Comfy-Org/docs built-in-nodes/Veo3VideoGenerationNode.mdx (2026-08-21, secondary): 16:9/9:16; 720p/1080p/4k, 4k not for veo-3.1-lite and veo-3.0; 4-8 s in steps of 2; generate_audio "supported by all Veo 3 models"';
const RUNWAY_SDK =
	'runwayml/sdk-node src/resources/text-to-video.ts and image-to-video.ts (commit ecb7e33, 2026-07-23)';
const OPENROUTER_LIST =
	'OpenRouterTeam/docs cookbook/video-generation/choose-video-model.mdx (2026-08-22): slugs from GET /api/v1/videos/models';
const COMFY_KLING_T2V =
	'Comfy-Org/docs built-in-nodes/KlingTextToVideoNode.mdx and KlingImage2VideoNode.mdx (2026-08-21, secondary): aspect 16:9/9:16/1:1, durations 5/10';
const COMFY_SEEDANCE =
	'Comfy-Org/docs built-in-nodes/ByteDanceTextToVideoNode.mdx, ByteDanceImageToVideoNode.mdx, ByteDanceFirstLastFrameNode.mdx (2026-08-21, secondary): 480p/720p/1080p; 16:9, 4:3, 1:1, 3:4, 9:16, 21:9; 3-12 s (seedance-1-5-pro from 4 s); generate_audio only for seedance-1-5-pro-251215';
const COMFY_WAN =
	'Comfy-Org/docs built-in-nodes/WanTextToVideoApi.mdx (2026-08-21, secondary): sizes 480p 1:1/16:9/9:16, 720p and 1080p 1:1/16:9/9:16/4:3/3:4; 5 or 10 s, 15 s for wan2.6 only; wan2.6 has no 480p; generate_audio optional';
const XAI_SDK =
	'xai-org/xai-sdk-python (commit 4dab6a4, 2026-08-18): src/xai_sdk/aio/video.py duration 1-15 s; src/xai_sdk/types/video.py aspect ratios 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3; image_url is the starting frame; generate_audio defaults to True; CHANGELOG.md: 1080p only on models that advertise it (e.g. grok-imagine-video-1.5)';

const ALL_WAN_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'];
const SEEDANCE_1_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9'];
const XAI_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'];

export const KNOWN_MODELS: KnownModel[] = [
	// ---------------------------------------------------------------- OpenAI Sora
	{
		ids: ['sora-2', 'sora-2-2025-10-06', 'sora-2-2025-12-08'],
		slugs: ['openai/sora-2'],
		name: 'Sora 2',
		family: 'sora',
		seconds: [4, 8, 12],
		sizes: ['720x1280', '1280x720'],
		firstFrame: true,
		lastFrame: false,
		referenceImages: 0,
		audio: 'always',
		seed: false,
		negativePrompt: false,
		pricePerSecond: { '720x1280': 0.1, '1280x720': 0.1 },
		sources: [
			OPENAI_SPEC,
			OPENAI_SDK,
			OPENAI_SORA2_PAGE,
			API_NOTES_AUDIO,
			`${LITELLM_PRICES}: sora-2 output_cost_per_video_per_second 0.1`,
			LITELLM_SORA_IDS,
			'not confirmed: 16 and 20 s for a new video (shared/API-NOTES.md quotes OpenAI\'s guide; the spec and SDK enum stop at 12, 4-20 s applies to extensions)',
		],
	},
	{
		ids: ['sora-2-pro', 'sora-2-pro-2025-10-06'],
		slugs: ['openai/sora-2-pro'],
		name: 'Sora 2 Pro',
		family: 'sora',
		seconds: [4, 8, 12],
		sizes: ['720x1280', '1280x720', '1024x1792', '1792x1024', '1080x1920', '1920x1080'],
		firstFrame: true,
		lastFrame: false,
		referenceImages: 0,
		audio: 'always',
		seed: false,
		negativePrompt: false,
		pricePerSecond: { '720x1280': 0.3, '1280x720': 0.3, '1024x1792': 0.5, '1792x1024': 0.5, '1080x1920': 0.7, '1920x1080': 0.7 },
		sources: [
			OPENAI_SPEC,
			OPENAI_SDK,
			OPENAI_SORA2_PAGE,
			API_NOTES_AUDIO,
			`${LITELLM_PRICES}: sora-2-pro 0.3, sora-2-pro-high-res 0.5 per second (the 1024x1792/1792x1024 price; OpenAI's sora-2-pro page was not in the stored corpus)`,
			'OpenRouter slug openai/sora-2-pro (' + OPENROUTER_LIST + ')',
			LITELLM_SORA_IDS,
			'1080x1920 / 1920x1080 at $0.70 per second: shared/API-NOTES.md section 3 (the size and price lines, from OpenAI\'s guide, which the page states it adds where the spec enum stops; not marked unconfirmed there), and the emulator that imitates OpenAI accepts them for sora-2-pro only. The spec and SDK VideoSize enums (4 sizes) never caught up, as API-NOTES says of seconds too. Kept: two sources of the contract name them for the pro models and none says the server refuses them',
			'not confirmed: 16 and 20 s for a new video (see Sora 2)',
		],
	},

	// ---------------------------------------------------------------- Google Veo
	{
		ids: ['veo-3.0-generate-001', 'veo-3.0-generate-preview', 'veo3'],
		name: 'Veo 3',
		family: 'veo',
		seconds: [4, 6, 8],
		aspectRatios: ['16:9', '9:16'],
		firstFrame: true,
		audio: 'optional',
		pricePerSecond: { '*': 0.4 },
		sources: [
			COMFY_VEO3,
			GOOGLE_COOKBOOK,
			`${RUNWAY_SDK}: model 'veo3' (image to video) duration 8, ratios 1280:720, 720:1280, 1080:1920, 1920:1080, image position 'first'`,
			`${LITELLM_VERTEX}: vertex_ai/veo-3.0-generate-001 output_cost_per_second 0.4`,
			'https://litellm.vercel.app/docs/providers/gemini/videos (secondary): id veo-3.0-generate-preview',
			'not confirmed: 4 and 6 s on the Gemini API (the cookbook says Veo 3 is always 8 s there; 4-8 s is the Vertex-backed ComfyUI node)',
			'not confirmed: selectable resolution (ComfyUI ignores it for veo-3.0; Runway offers 1080p sizes)',
			'not confirmed: last frame and reference images for Veo 3',
		],
	},
	{
		ids: ['veo-3.0-fast-generate-001'],
		name: 'Veo 3 Fast',
		family: 'veo',
		aspectRatios: ['16:9', '9:16'],
		audio: 'optional',
		pricePerSecond: { '*': 0.15 },
		sources: [
			COMFY_VEO3,
			`${LITELLM_VERTEX}: vertex_ai/veo-3.0-fast-generate-001 output_cost_per_second 0.15`,
			'not confirmed: seconds (ComfyUI offers 4-8 s for every Veo 3 model; no maker source read names them for Veo 3 Fast)',
			'not confirmed: resolutions, first/last frame, reference images',
		],
	},
	{
		ids: ['veo-3.1-generate-preview', 'veo-3.1-generate-001', 'veo-3.1', 'veo3.1'],
		slugs: ['google/veo-3.1'],
		name: 'Veo 3.1',
		family: 'veo',
		seconds: [4, 6, 8],
		resolutions: ['720p', '1080p', '4k'],
		aspectRatios: ['16:9', '9:16'],
		rules: [
			{ resolution: '1080p', seconds: [8] },
			{ resolution: '4k', seconds: [8] },
		],
		firstFrame: true,
		lastFrame: true,
		referenceImages: 3,
		audio: 'optional',
		pricePerSecond: { '720p': 0.4, '1080p': 0.4, '4k': 0.6 },
		sources: [
			GOOGLE_VIDEO_PAGE,
			GOOGLE_COOKBOOK,
			GOOGLE_PRICING,
			VEO_1080P_RULE,
			`${RUNWAY_SDK}: model 'veo3.1' duration 4 | 6 | 8, ratios 1280:720, 720:1280, 1080:1920, 1920:1080, audio?: boolean, image position 'first' | 'last'`,
			`${LITELLM_PRICES}: gemini/veo-3.1-generate-preview and gemini/veo-3.1-generate-001 output_cost_per_second 0.4; ${LITELLM_VERTEX}: vertex_ai/veo-3.1-generate-preview/-001 0.4`,
			'OpenRouter slug google/veo-3.1 (' + OPENROUTER_LIST + ')',
			'note: reference images work at 720p and 16:9 only (cookbook); the Gemini API always adds audio (cookbook), Vertex and Runway let it be turned off',
		],
	},
	{
		ids: ['veo-3.1-fast-generate-preview', 'veo-3.1-fast-generate-001', 'veo-3.1-fast', 'veo3.1_fast'],
		slugs: ['google/veo-3.1-fast'],
		name: 'Veo 3.1 Fast',
		family: 'veo',
		seconds: [4, 6, 8],
		resolutions: ['720p', '1080p', '4k'],
		aspectRatios: ['16:9', '9:16'],
		rules: [
			{ resolution: '1080p', seconds: [8] },
			{ resolution: '4k', seconds: [8] },
		],
		firstFrame: true,
		lastFrame: true,
		audio: 'optional',
		pricePerSecond: { '*': 0.15 },
		sources: [
			GOOGLE_COOKBOOK,
			COMFY_VEO3,
			VEO_1080P_RULE,
			`${RUNWAY_SDK}: model 'veo3.1_fast' duration 4 | 6 | 8, ratios 1280:720, 720:1280, 1080:1920, 1920:1080, audio?: boolean, image position 'first' | 'last'`,
			`${LITELLM_PRICES}: gemini/veo-3.1-fast-generate-preview and -001 output_cost_per_second 0.15; ${LITELLM_VERTEX}: vertex_ai/veo-3.1-fast-generate-preview/-001 0.15`,
			'OpenRouter slug google/veo-3.1-fast (' + OPENROUTER_LIST + ')',
			'not confirmed: reference images (the cookbook says Veo 3.1 only, not Fast; a secondary reseller page lists up to 3)',
			'not confirmed: a separate 4k price (LiteLLM has one price for every resolution)',
		],
	},
	{
		ids: ['veo-3.1-lite-generate-preview', 'veo-3.1-lite'],
		slugs: ['google/veo-3.1-lite'],
		name: 'Veo 3.1 Lite',
		family: 'veo',
		seconds: [4, 6, 8],
		resolutions: ['720p', '1080p'],
		aspectRatios: ['16:9', '9:16'],
		audio: 'optional',
		pricePerSecond: { '720p': 0.05, '1080p': 0.08 },
		sources: [
			GOOGLE_COOKBOOK + ' (the model selector lists veo-3.1-lite-generate-preview; "Veo 3.1 Lite ... optimized for high-throughput 720p and 1080p")',
			COMFY_VEO3,
			`${LITELLM_PRICES}: gemini/veo-3.1-lite-generate-preview output_cost_per_second 0.05, output_cost_per_second_1080p 0.08`,
			'OpenRouter slug google/veo-3.1-lite (' + OPENROUTER_LIST + '); OpenRouterTeam/docs cookbook/video-generation/image-to-video.mdx example: durations 8, 4, 6; 720p/1080p; 16:9/9:16; first_frame, last_frame',
			'not confirmed: 1080p-only-at-8 s for Lite; first/last frame and reference images from a maker source',
		],
	},

	// ---------------------------------------------------------------- Kling (Kuaishou)
	{
		ids: ['kling-v2-1-master'],
		name: 'Kling 2.1 Master',
		family: 'kling',
		seconds: [5, 10],
		aspectRatios: ['16:9', '9:16', '1:1'],
		firstFrame: true,
		sources: [
			COMFY_KLING_T2V,
			'not confirmed: Kling\'s own API reference was not in the stored corpus; resolutions, last frame, audio and prices unconfirmed',
		],
	},
	{
		ids: ['kling-v2-5-turbo', 'fal-ai/kling-video/v2.5-turbo/pro/text-to-video', 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video'],
		name: 'Kling 2.5 Turbo',
		family: 'kling',
		seconds: [5, 10],
		aspectRatios: ['16:9', '9:16', '1:1'],
		firstFrame: true,
		sources: [
			COMFY_KLING_T2V + ' (kling-v2-5-turbo has pro mode only)',
			'fal.ai endpoints (as BerriAI/litellm fal_ai tests name them): https://fal.ai/models/fal-ai/kling-video/v2.5-turbo/pro/text-to-video/llms.txt and …/image-to-video/llms.txt: duration "5" or "10", aspect_ratio default 16:9, image_url required for image-to-video',
			'not confirmed: resolutions, last frame, audio and prices (no maker source read)',
		],
	},
	{
		ids: ['kling-v2-6'],
		name: 'Kling 2.6',
		family: 'kling',
		seconds: [5, 10],
		aspectRatios: ['16:9', '9:16', '1:1'],
		firstFrame: true,
		audio: 'optional',
		sources: [
			'Comfy-Org/docs built-in-nodes/KlingTextToVideoWithAudio.mdx and KlingImageToVideoWithAudio.mdx (2026-08-21, secondary): kling-v2-6, pro mode, 16:9/9:16/1:1, 5 or 10 s, generate_audio boolean, start frame',
			'not confirmed: resolutions, last frame and prices (no maker source read)',
		],
	},
	{
		ids: ['kling-v3', 'kling-v3.0-pro', 'kling-v3.0-std'],
		slugs: ['kwaivgi/kling-v3.0-pro', 'kwaivgi/kling-v3.0-std'],
		name: 'Kling 3.0',
		family: 'kling',
		seconds: secondsFrom(3, 15),
		aspectRatios: ['16:9', '9:16', '1:1'],
		firstFrame: true,
		audio: 'optional',
		sources: [
			'Comfy-Org/docs built-in-nodes/KlingVideoNode.mdx (2026-08-21, secondary): kling-v3, 720p/1080p/4k, 16:9/9:16/1:1, 3-15 s, generate_audio, optional start frame',
			'OpenRouter slugs kwaivgi/kling-v3.0-pro and kwaivgi/kling-v3.0-std (' + OPENROUTER_LIST + ')',
			'not confirmed: which resolutions each of the std/pro ids allows (left undefined); last frame; prices',
		],
	},
	{
		ids: ['kling-video-o1'],
		slugs: ['kwaivgi/kling-video-o1'],
		name: 'Kling O1',
		family: 'kling',
		seconds: [5, 10],
		resolutions: ['720p', '1080p'],
		aspectRatios: ['16:9', '9:16', '1:1'],
		firstFrame: true,
		lastFrame: true,
		audio: 'never',
		sources: [
			'Comfy-Org/docs built-in-nodes/KlingOmniProTextToVideoNode.mdx (2026-08-21, secondary): kling-video-o1, 16:9/9:16/1:1, 5 or 10 s, 1080p/720p',
			'Comfy-Org/docs built-in-nodes/KlingOmniProFirstLastFrameNode.mdx (secondary): start and end frame; kling-video-o1 has no audio, no 4k, at most 10 s; 5 or 10 s without an end frame or references',
			'OpenRouter slug kwaivgi/kling-video-o1 (' + OPENROUTER_LIST + ')',
			'not confirmed: the number of reference images and prices',
		],
	},

	// ---------------------------------------------------------------- Seedance (ByteDance)
	{
		ids: ['seedance-1-0-pro-250528'],
		name: 'Seedance 1.0 Pro',
		family: 'seedance',
		seconds: secondsFrom(3, 12),
		resolutions: ['480p', '720p', '1080p'],
		aspectRatios: SEEDANCE_1_RATIOS,
		firstFrame: true,
		lastFrame: true,
		audio: 'never',
		sources: [
			COMFY_SEEDANCE,
			'not confirmed: BytePlus ModelArk\'s own reference was not in the stored corpus; prices unconfirmed',
		],
	},
	{
		ids: ['seedance-1-0-pro-fast-251015'],
		name: 'Seedance 1.0 Pro Fast',
		family: 'seedance',
		seconds: secondsFrom(3, 12),
		resolutions: ['480p', '720p', '1080p'],
		aspectRatios: SEEDANCE_1_RATIOS,
		firstFrame: true,
		audio: 'never',
		sources: [COMFY_SEEDANCE, 'not confirmed: last frame (the first/last-frame node does not list this model) and prices'],
	},
	{
		ids: ['seedance-1-0-lite-t2v-250428', 'seedance-1-0-lite-i2v-250428'],
		name: 'Seedance 1.0 Lite',
		family: 'seedance',
		seconds: secondsFrom(3, 12),
		resolutions: ['480p', '720p', '1080p'],
		aspectRatios: SEEDANCE_1_RATIOS,
		firstFrame: true,
		lastFrame: true,
		audio: 'never',
		sources: [
			COMFY_SEEDANCE + ' (t2v id for text, i2v id for first and first/last frame)',
			'not confirmed: prices; whether every resolution applies to Lite (the ComfyUI node offers the same lists for all models)',
		],
	},
	{
		ids: ['seedance-1-5-pro-251215', 'seedance-1-5-pro'],
		slugs: ['bytedance/seedance-1-5-pro'],
		name: 'Seedance 1.5 Pro',
		family: 'seedance',
		seconds: secondsFrom(4, 12),
		resolutions: ['480p', '720p', '1080p'],
		aspectRatios: SEEDANCE_1_RATIOS,
		firstFrame: true,
		lastFrame: true,
		audio: 'optional',
		sources: [
			COMFY_SEEDANCE,
			'OpenRouter slug bytedance/seedance-1-5-pro (' + OPENROUTER_LIST + ')',
			'not confirmed: prices',
		],
	},
	{
		ids: ['seedance-2.0', 'seedance2'],
		slugs: ['bytedance/seedance-2.0'],
		name: 'Seedance 2.0',
		family: 'seedance',
		seconds: secondsFrom(4, 15),
		resolutions: ['480p', '720p', '1080p'],
		firstFrame: true,
		lastFrame: true,
		audio: 'optional',
		sources: [
			'Comfy-Org/docs built-in-nodes/ByteDance2TextToVideoNode.mdx (2026-08-21, secondary): Seedance 2.0 supports 480p, 720p and 1080p',
			'https://docs.leonardo.ai/docs/seedance-20 (secondary): Seedance 2.0 and 2.0 Fast, duration 4-15 s',
			`${RUNWAY_SDK}: model 'seedance2', audio?: boolean, image position 'first' | 'last' or reference images; ratios up to 3840:2160`,
			'OpenRouter slug bytedance/seedance-2.0 (' + OPENROUTER_LIST + ')',
			'not confirmed: aspect ratios (Runway lists pixel ratios only), 4k, the number of reference images, prices',
		],
	},
	{
		ids: ['seedance-2.0-fast', 'seedance2_fast'],
		slugs: ['bytedance/seedance-2.0-fast'],
		name: 'Seedance 2.0 Fast',
		family: 'seedance',
		seconds: secondsFrom(4, 15),
		resolutions: ['480p', '720p'],
		aspectRatios: ['1:1', '3:4', '9:16', '4:3', '16:9', '21:9', '9:21'],
		firstFrame: true,
		lastFrame: true,
		audio: 'optional',
		sources: [
			'Comfy-Org/docs built-in-nodes/ByteDance2TextToVideoNode.mdx (2026-08-21, secondary): Seedance 2.0 Fast supports 480p and 720p',
			'OpenRouterTeam/docs cookbook/video-generation/reference-to-video.mdx (2026-08-22, secondary): bytedance/seedance-2.0-fast durations 4-15, 480p/720p, 1:1, 3:4, 9:16, 4:3, 16:9, 21:9, 9:21',
			`${RUNWAY_SDK}: model 'seedance2_fast', audio?: boolean, image position 'first' | 'last'`,
			'not confirmed: the number of reference images, prices',
		],
	},

	// ---------------------------------------------------------------- Wan (Alibaba)
	{
		ids: ['wan2.2-t2v-plus'],
		name: 'Wan 2.2 Plus',
		family: 'wan',
		sources: [
			'https://skills.sh/cinience/alicloud-skills/alicloud-ai-video-wan-video (secondary): exact Model Studio id wan2.2-t2v-plus',
			'not confirmed: seconds, resolutions, aspect ratios, audio and prices (Alibaba Model Studio\'s reference page was stored but its model table could not be read)',
		],
	},
	{
		ids: ['wan2.5-t2v-preview'],
		name: 'Wan 2.5 Preview',
		family: 'wan',
		seconds: [5, 10],
		resolutions: ['480p', '720p', '1080p'],
		aspectRatios: ALL_WAN_RATIOS,
		audio: 'optional',
		sources: [
			COMFY_WAN,
			'https://novita.ai/docs/api-reference/model-apis-wan2.5-t2v (secondary): 5 or 10 s, 480P/720P/1080P, automatic dubbing or a custom audio file',
			'note: 4:3 and 3:4 exist at 720p and 1080p only (ComfyUI size list)',
			'not confirmed: prices',
		],
	},
	{
		ids: ['wan2.6-t2v', 'wan-2.6'],
		slugs: ['alibaba/wan-2.6'],
		name: 'Wan 2.6',
		family: 'wan',
		seconds: [5, 10, 15],
		resolutions: ['720p', '1080p'],
		aspectRatios: ALL_WAN_RATIOS,
		audio: 'optional',
		sources: [
			COMFY_WAN,
			'https://docs.gmicloud.ai/model-quickstarts/video/wan2-6-t2v (secondary): wan2.6-t2v 5/10/15 s, sizes 1280*720 to 1080*1920, audio boolean',
			'OpenRouter slug alibaba/wan-2.6 (' + OPENROUTER_LIST + ')',
			'not confirmed: prices',
		],
	},
	{
		ids: ['wan2.7-t2v', 'wan-2.7'],
		slugs: ['alibaba/wan-2.7'],
		name: 'Wan 2.7',
		family: 'wan',
		seconds: secondsFrom(2, 15),
		resolutions: ['720p', '1080p'],
		aspectRatios: ALL_WAN_RATIOS,
		audio: 'always',
		sources: [
			'Comfy-Org/docs built-in-nodes/Wan2TextToVideoApi.mdx (2026-08-21, secondary): wan2.7-t2v 720P/1080P, 16:9/9:16/1:1/4:3/3:4, 2-15 s, background audio generated when no audio is given',
			'https://docs.powertokens.ai/en/zmodelVideo/ali/text-to-video (secondary): wan2.7-t2v 2-15 s, 720P/1080P',
			'OpenRouter slug alibaba/wan-2.7 (' + OPENROUTER_LIST + ')',
			'not confirmed: prices',
		],
	},

	// ---------------------------------------------------------------- Hailuo (MiniMax)
	{
		ids: ['minimax-hailuo-02'],
		name: 'Hailuo 02',
		family: 'hailuo',
		seconds: [6, 10],
		resolutions: ['768p', '1080p'],
		rules: [{ resolution: '1080p', seconds: [6] }],
		firstFrame: true,
		sources: [
			'MiniMax-AI/MiniMax-MCP minimax_mcp/server.py (commit 2910d66, 2026-05-14): MiniMax-Hailuo-02 duration 6 or 10, resolution 768P or 1080P, first_frame_image',
			'Comfy-Org/docs built-in-nodes/MinimaxHailuoVideoNode.mdx (2026-08-21, secondary): with MiniMax-Hailuo-02 at 1080P the duration is limited to 6 seconds',
			'not confirmed: 512P (listed only by the new-api gateway plugin), aspect ratios, audio, prices',
		],
	},
	{
		ids: ['minimax-hailuo-2.3', 'hailuo-2.3'],
		slugs: ['minimax/hailuo-2.3'],
		name: 'Hailuo 2.3',
		family: 'hailuo',
		seconds: [6, 10],
		resolutions: ['768p', '1080p'],
		sources: [
			'MiniMax-AI/MiniMax-MCP minimax_mcp/const.py (commit 2910d66): DEFAULT_T2V_MODEL = "MiniMax-Hailuo-2.3"',
			'https://raw.githubusercontent.com/QuantumNous/new-api/main/plugins/tasks/hailuo/plugin.js (secondary): Hailuo 2.3 and 2.3-Fast allow duration 6 or 10 at 768P or 1080P',
			'OpenRouter slug minimax/hailuo-2.3 (' + OPENROUTER_LIST + ')',
			'not confirmed: a 1080P duration limit like Hailuo 02\'s, first frame, aspect ratios, audio, prices',
		],
	},

	// ---------------------------------------------------------------- Runway
	{
		ids: ['gen4_turbo'],
		name: 'Gen-4 Turbo',
		family: 'runway',
		sizes: ['1280x720', '720x1280', '1104x832', '832x1104', '960x960', '1584x672'],
		firstFrame: true,
		lastFrame: false,
		pricePerSecond: { '*': 0.05 },
		sources: [
			`${RUNWAY_SDK}: image-to-video Gen4Turbo ratio 1280:720 | 720:1280 | 1104:832 | 832:1104 | 960:960 | 1584:672, promptImage position 'first' only`,
			`${LITELLM_PRICES}: runwayml/gen4_turbo 0.05 per second ("5 credits per second @ $0.01 per credit", source https://docs.dev.runwayml.com/guides/pricing/)`,
			'not confirmed: seconds (the SDK typed duration 5 | 10 from commit cbd8766, 2025-04-09, until e5174dd, 2025-11-04; since then it is an unbounded number)',
			'not confirmed: audio',
		],
	},
	{
		ids: ['gen4.5'],
		name: 'Gen-4.5',
		family: 'runway',
		seconds: secondsFrom(2, 10),
		sizes: ['1280x720', '720x1280', '1104x832', '960x960', '832x1104', '1584x672'],
		firstFrame: true,
		lastFrame: false,
		sources: [
			`${RUNWAY_SDK}: Gen4_5 duration "an integer from 2 to 10"; text-to-video ratio 1280:720 | 720:1280; image-to-video ratio 1280:720 | 720:1280 | 1104:832 | 960:960 | 832:1104 | 1584:672; image position 'first' only`,
			'note: text-to-video takes 1280x720 and 720x1280 only; the other sizes need a first frame',
			'not confirmed: audio, prices',
		],
	},
	{
		ids: ['gen4_aleph'],
		name: 'Gen-4 Aleph',
		family: 'runway',
		pricePerSecond: { '*': 0.15 },
		sources: [
			`${LITELLM_PRICES}: runwayml/gen4_aleph 0.15 per second ("15 credits per second @ $0.01 per credit")`,
			`${RUNWAY_SDK}: gen4_aleph appears in src/resources/organization.ts; video-to-video now names aleph2 (an edit model, not text/image to video)`,
			'not confirmed: seconds, sizes, inputs, audio',
		],
	},

	// ---------------------------------------------------------------- xAI Grok Imagine
	{
		ids: ['grok-imagine-video'],
		name: 'Grok Imagine Video',
		family: 'grok',
		seconds: secondsFrom(1, 15),
		resolutions: ['480p', '720p'],
		aspectRatios: XAI_RATIOS,
		firstFrame: true,
		audio: 'optional',
		sources: [
			XAI_SDK,
			'https://docs.x.ai/docs/guides/video-generation: model grok-imagine-video, resolutions 720p vs 480p',
			'Comfy-Org/docs built-in-nodes/GrokVideoNode.mdx (2026-08-21, secondary): 480p/720p, 1-15 s',
			'not confirmed: the number of reference images (the SDK takes a list without a stated maximum), prices',
		],
	},
	{
		ids: ['grok-imagine-video-1.5'],
		name: 'Grok Imagine Video 1.5',
		family: 'grok',
		seconds: secondsFrom(1, 15),
		resolutions: ['480p', '720p', '1080p'],
		aspectRatios: XAI_RATIOS,
		firstFrame: true,
		audio: 'optional',
		sources: [
			XAI_SDK,
			'Comfy-Org/docs built-in-nodes/GrokVideoNode.mdx (secondary): grok-imagine-video-1.5 always needs an input image',
			'note: 1080p is for image-to-video (SDK CHANGELOG)',
			'not confirmed: the number of reference images, prices',
		],
	},
];
