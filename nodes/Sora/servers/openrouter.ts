/**
 * OpenRouter (`/api/v1/videos`, its API reference and video guide): JSON only, an integer
 * `duration`, a size spelled as resolution + aspect ratio, the first frame in `frame_images`, and
 * results in `urls[]` or `/content?index=0`. Create, poll and content only.
 */
import type { ServerModule } from './types';
import { bodyField, contractShows, objectField } from './types';
import { openRouterVideoModels } from './modelLists';

/** OpenRouter spells a size as a resolution and an aspect ratio. */
const SIZES: Record<string, { resolution: string; aspect_ratio: string }> = {
	'1280x720': { resolution: '720p', aspect_ratio: '16:9' },
	'720x1280': { resolution: '720p', aspect_ratio: '9:16' },
	'1920x1080': { resolution: '1080p', aspect_ratio: '16:9' },
	'1080x1920': { resolution: '1080p', aspect_ratio: '9:16' },
};

/** Resolution + aspect ratio ("720p", "16:9") back to WIDTHxHEIGHT, for any resolution a model reports. */
function sizeOf(resolution: unknown, aspectRatio: unknown): string | undefined {
	const lines = Number(String(resolution ?? '').replace(/p$/i, ''));
	const [w, h] = String(aspectRatio ?? '').split(':').map(Number);
	if (!lines || !w || !h) return undefined;
	const long = Math.round((lines * Math.max(w, h)) / Math.min(w, h));
	return w >= h ? `${long}x${lines}` : `${lines}x${long}`;
}

/** One entry of `frame_images`. */
const frame = (url: string, frameType: string) => ({ type: 'image_url', image_url: { url }, frame_type: frameType });

export const openrouter: ServerModule = {
	name: 'OpenRouter',
	lacks: () => ['list', 'delete', 'remix', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'],
	// A URL (or a data: URL) in frame_images.
	imageUrl: 'json',
	httpsImageUrlsOnly: true,
	sizeProblem: (size) =>
		SIZES[size]
			? undefined
			: {
					message: `OpenRouter cannot make ${size} videos; it takes 720p or 1080p in 16:9 or 9:16`,
					description:
						'Set Size to 1280x720, 720x1280, 1920x1080 or 1080x1920 (the model decides which of them it offers), and use an image of that size.',
				},
	createJson: (fields, reference) => ({
		prompt: fields.prompt,
		model: fields.model,
		duration: fields.seconds,
		...SIZES[fields.size],
		...(reference?.image_url ? { frame_images: [frame(reference.image_url, 'first_frame')] } : {}),
	}),
	// The video guide's normalised fields, the same for every model (the model decides which it honours). A negative
	// prompt is no such field: OpenRouter passes it only as a provider option, keyed by provider slug
	// (cookbook/video-generation/provider-specific-video-options.mdx: provider.options["google-vertex"].parameters
	// .negativePrompt), so it is refused here and can go in Additional Body Fields as that object.
	modelOptions: () => ({
		lastFrameUrl: (url) => ({ frame_images: [frame(url, 'last_frame')] }),
		referenceImageUrls: (urls) => ({ input_references: urls.map((url) => ({ type: 'image_url', image_url: { url } })) }),
		generateAudio: (on) => ({ generate_audio: on }),
		seed: (seed) => ({ seed }),
		providerRouting: (routing) => ({ provider: routing }),
		callbackUrl: (url) => ({ callback_url: url }),
	}),
	// Its list shows the integer duration and resolution + aspect ratio it was sent, read back as WIDTHxHEIGHT.
	shownInList: (body) => {
		const [resolution, aspect] = [bodyField(body, 'resolution'), bodyField(body, 'aspect_ratio')];
		const size = Object.keys(SIZES).find((key) => SIZES[key].resolution === resolution && SIZES[key].aspect_ratio === aspect);
		return { ...contractShows(body, 'duration'), size };
	},
	// Its video object: the integer `duration`, the size as resolution + aspect ratio, and what the job cost in
	// `usage.cost` (its API reference, GET /api/v1/videos/{id}).
	videoFields: (raw) => {
		const cost = objectField(raw, 'usage').cost;
		return {
			...raw,
			seconds: raw.seconds ?? raw.duration,
			size: raw.size ?? sizeOf(raw.resolution, raw.aspect_ratio),
			cost: typeof cost === 'number' ? cost : undefined,
		};
	},
	remixBody: (prompt) => ({ prompt }),
	assetQuery: () => ({ index: 0 }),
	mayCarryResultUrl: true,
	// GET /api/v1/videos/models (OpenRouterTeam/docs openapi/openapi.yaml VideoModel): video models only, each with
	// its durations, resolutions, aspect ratios, sizes, frame types, audio and seed.
	modelLists: [{ path: '/videos/models', parse: openRouterVideoModels }],
};
