/**
 * OpenRouter (`/api/v1/videos`, its API reference and video guide): JSON only, an integer
 * `duration`, a size spelled as resolution + aspect ratio, the first frame in `frame_images`, and
 * results in `urls[]` or `/content?index=0`. Create, poll and content only.
 */
import type { ServerDefinition } from './types';

/** OpenRouter spells a size as a resolution and an aspect ratio. */
const SIZES: Record<string, { resolution: string; aspect_ratio: string }> = {
	'1280x720': { resolution: '720p', aspect_ratio: '16:9' },
	'720x1280': { resolution: '720p', aspect_ratio: '9:16' },
	'1920x1080': { resolution: '1080p', aspect_ratio: '16:9' },
	'1080x1920': { resolution: '1080p', aspect_ratio: '9:16' },
};

export const openrouter: ServerDefinition = {
	name: 'OpenRouter',
	lacks: () => ['list', 'delete', 'remix', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'],
	// A URL (or a data: URL) in frame_images.
	imageUrl: 'json',
	sizeProblem: (size) =>
		SIZES[size]
			? undefined
			: {
					message: `OpenRouter cannot make ${size} videos; it takes 720p or 1080p in 16:9 or 9:16`,
					description:
						'Set Size to 1280x720, 720x1280, 1920x1080 or 1080x1920 (the model decides which of them it offers), and use an image of that size.',
				},
	takesModelExtras: true,
	createJson: (fields, reference) => {
		const { extras } = fields;
		const frame = (url: string, frameType: string) => ({ type: 'image_url', image_url: { url }, frame_type: frameType });
		const frames = [
			...(reference?.image_url ? [frame(reference.image_url, 'first_frame')] : []),
			...(extras.lastFrameUrl ? [frame(extras.lastFrameUrl, 'last_frame')] : []),
		];
		return {
			prompt: fields.prompt,
			model: fields.model,
			duration: fields.seconds,
			...SIZES[fields.size],
			...(frames.length ? { frame_images: frames } : {}),
			...(extras.referenceImageUrls?.length
				? { input_references: extras.referenceImageUrls.map((url) => ({ type: 'image_url', image_url: { url } })) }
				: {}),
			...(extras.generateAudio !== undefined ? { generate_audio: extras.generateAudio } : {}),
			...(extras.seed !== undefined ? { seed: extras.seed } : {}),
			...(extras.providerRouting ? { provider: extras.providerRouting } : {}),
			...(extras.callbackUrl ? { callback_url: extras.callbackUrl } : {}),
			...fields.additional,
		};
	},
	remixBody: (prompt) => ({ prompt }),
	assetQuery: () => ({ index: 0 }),
	mayCarryResultUrl: true,
	// GET /api/v1/videos/models (OpenRouterTeam/docs openapi/openapi.yaml VideoModel): video models only, each with
	// its durations, resolutions, aspect ratios, sizes, frame types, audio and seed.
	modelLists: [{ path: '/videos/models', shape: 'openrouterVideoModels' }],
};
