/**
 * new-api gateways (QuantumNous/new-api `router/video-router.go`, `relay/relay_task.go`,
 * `relay/common/relay_info.go`): create, get, content (or a result URL in the job) and remix; no
 * list, delete, edits, extensions, characters or thumbnails.
 * - `TaskSubmitReq` reads `seconds` (a string; a number is a 400 `invalid_json`). No `duration`: the Sora
 *   channel forwards the body to its upstream unchanged (relay/channel/task/sora/adaptor.go), which refuses
 *   fields the contract does not have.
 * - Sora channels (model ids nobody recognises as another vendor's) forward the body unchanged to an upstream that
 *   wants the first frame as a file: image URLs are fetched and uploaded, multipart as the contract has it.
 * - Every other video channel validates with ValidateBasicTaskRequest (relay/common/relay_utils.go), which IGNORES
 *   uploaded files: its adaptor reads the first frame from `image` (Kling: only there) or `images`, as a URL or
 *   Base64. So for those models the node sends JSON, the image URL as it is (the vendor fetches it) and a binary
 *   image as Base64 — bare for Kling, whose API refuses a data: prefix, a data: URL for the others.
 * - Options of non-Sora channels travel in `metadata`, unmarshalled over the vendor's request (each adaptor's own
 *   field names, below); other top-level extras are dropped.
 * - Remix on non-Sora channels needs the `model`.
 */
import type { IDataObject } from 'n8n-workflow';

import { mergeInto } from './modelOptions';
import type { OptionSpelling } from './modelOptions';
import { contractForm } from './openai';
import type { ServerModule } from './types';
import { bodyField, contractShows, objectField } from './types';
import { openAiModels } from './modelLists';

/** The top-level fields of new-api's TaskSubmitReq; anything else is an option for `metadata`. */
const TOP_LEVEL = ['prompt', 'model', 'image', 'images', 'size', 'duration', 'seconds', 'input_reference', 'metadata'];

function splitOptions(additional: IDataObject): { top: IDataObject; metadata: IDataObject } {
	const top: IDataObject = {};
	const metadata: IDataObject = { ...((additional.metadata as IDataObject | undefined) ?? {}) };
	for (const [key, value] of Object.entries(additional)) {
		if (key === 'metadata') continue;
		if (TOP_LEVEL.includes(key)) top[key] = value;
		else metadata[key] = value;
	}
	return { top, metadata };
}

/**
 * Only Sora channels read `seconds`: they forward the body to OpenAI unchanged, which refuses a `duration`. The
 * other video channels' adaptors read TaskSubmitReq.duration — the Kling channel never looks at `seconds` and makes
 * 5 s without it (relay/channel/task/kling/adaptor.go convertToRequestPayload: defaultInt(req.Duration, 5)). So
 * `duration` goes along for models that are recognisably not Sora (the families of video channels new-api has:
 * relay/channel/task/{kling,jimeng,vidu,doubao,hailuo,ali,gemini,…}); an id nobody recognises keeps the
 * contract's body, which every Sora channel takes.
 */
const VENDOR_FAMILIES = /(^|\/)(kling|veo|wan|happyhorse|seedance|doubao|dreamina|jimeng|vidu|hailuo|minimax|[tis]2v-0\d|gen4|grok|pixverse|ltx)/i;
/** The vendor family of a model id, as the node spells options for it; MiniMax's own T2V-01/I2V-01/S2V-01 ids
 * (hailuo/constants.go ModelList) are Hailuo, Ali's happyhorse models (ali/constants.go) are Wan's channel. */
function vendorOf(model: string): string | undefined {
	const family = VENDOR_FAMILIES.exec(model.trim())?.[2].toLowerCase();
	if (family === undefined) return undefined;
	if (/^[tis]2v-0\d$/.test(family)) return 'hailuo';
	return family === 'happyhorse' ? 'wan' : family;
}

/**
 * Where each vendor's adaptor reads the model options: `metadata` is marshalled and unmarshalled over its request
 * struct, so the keys are that struct's JSON names (QuantumNous/new-api relay/channel/task/…).
 */
const meta = (fields: IDataObject) => ({ metadata: fields });
function vendorOptions(family: string | undefined, model: string): OptionSpelling | undefined {
	switch (family) {
		// kling/adaptor.go requestPayload: negative_prompt, image_tail (last frame; image2video takes it with or without
		// `image`), sound ("on"/"off" — "only supported by v2.6+", so offered from kling-v2-6 on).
		case 'kling':
			return {
				negativePrompt: (text) => meta({ negative_prompt: text }),
				...(/kling-v(2-[6-9]|[3-9])/i.test(model) ? { generateAudio: (on: boolean) => meta({ sound: on ? 'on' : 'off' }) } : {}),
				lastFrameUrl: (url) => meta({ image_tail: url }),
			};
		// gemini/dto.go VeoParameters (the Vertex channel uses the same): negativePrompt, seed, generateAudio; its
		// lastFrame and referenceImages are still TODOs there.
		case 'veo':
			return {
				negativePrompt: (text) => meta({ negativePrompt: text }),
				seed: (seed) => meta({ seed }),
				generateAudio: (on) => meta({ generateAudio: on }),
			};
		// doubao/adaptor.go requestPayload (Seedance): seed, generate_audio.
		case 'seedance':
		case 'doubao':
		case 'dreamina':
			return { seed: (seed) => meta({ seed }), generateAudio: (on) => meta({ generate_audio: on }) };
		// vidu/adaptor.go requestPayload: seed.
		case 'vidu':
			return { seed: (seed) => meta({ seed }) };
		// hailuo/models.go VideoRequest: last_frame_image.
		case 'hailuo':
		case 'minimax':
			return { lastFrameUrl: (url) => meta({ last_frame_image: url }) };
		// ali/adaptor.go: metadata over the whole AliVideoRequest, so input.* and parameters.* nest.
		case 'wan':
			return {
				negativePrompt: (text) => meta({ input: { negative_prompt: text } }),
				seed: (seed) => meta({ parameters: { seed } }),
				generateAudio: (on) => meta({ parameters: { audio: on } }),
				lastFrameUrl: (url) => meta({ input: { last_frame_url: url } }),
			};
		default:
			return undefined;
	}
}

/**
 * The first frame for a vendor channel: `image` (Kling reads nothing else; the others take `image` as images[0]) and
 * `input_reference` (the Ali channel's img_url); Hailuo only in metadata.first_frame_image (hailuo/models.go). A
 * binary image arrives here as a data: URL: Kling wants the bare Base64 ("do not add any prefix such as
 * data:image/png;base64," — Kling's image2video reference, as new-api resellers mirror it).
 */
function vendorImage(family: string, url: string): IDataObject {
	const image = family === 'kling' && url.startsWith('data:') ? url.slice(url.indexOf(',') + 1) : url;
	if (family === 'hailuo' || family === 'minimax') return { metadata: { first_frame_image: image } };
	return { image, input_reference: image };
}

export const newapi: ServerModule = {
	name: 'The new-api gateway',
	lacks: () => ['list', 'delete', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'],
	// Vendors fetch a URL themselves, except the Gemini/Vertex (Veo) channel, which takes images[0] only as a data: URL
	// or Base64 ("TODO: support downloading HTTP URL images", relay/channel/task/gemini/image.go): fetched and inlined.
	imageUrl: (server, model) => {
		const family = vendorOf(model);
		return family && family !== 'veo' ? 'json' : 'upload';
	},
	multipart: (server, model) => !vendorOf(model),
	createJson: (fields, reference) => {
		const family = vendorOf(fields.model);
		const body: IDataObject = {
			prompt: fields.prompt,
			model: fields.model,
			seconds: String(fields.seconds),
			...(family ? { duration: fields.seconds } : {}),
			size: fields.size,
		};
		return family && reference?.image_url ? mergeInto(body, vendorImage(family, reference.image_url)) : body;
	},
	addAdditional: (body, additional) => {
		const { top, metadata } = splitOptions(additional);
		Object.assign(body, top);
		if (Object.keys(metadata).length) body.metadata = { ...((body.metadata as IDataObject | undefined) ?? {}), ...metadata };
		return body;
	},
	// Sora channels only (vendor channels get JSON): the body as the contract spells it, extras in `metadata`.
	createForm: (fields) => {
		const { top, metadata } = splitOptions(fields.additional);
		const form = contractForm({ ...fields, characters: [], additional: top });
		if (Object.keys(metadata).length) form.append('metadata', JSON.stringify(metadata));
		return form;
	},
	modelOptions: (server, model) => vendorOptions(vendorOf(model), model),
	// Its list shows `seconds`, or the vendor's integer `duration` where only that was sent (Additional Body Fields).
	shownInList: (body) => (bodyField(body, 'seconds') === undefined ? contractShows(body, 'duration') : contractShows(body)),
	// A task row: `task_id`, the vendor's integer `duration`, and the result URL in `metadata.url` ("" until the task
	// succeeds) (dto/openai_video.go OpenAIVideo, relay/channel/task/*: the fields each adaptor fills).
	videoFields: (raw) => ({ ...raw, id: raw.id ?? raw.task_id, seconds: raw.seconds ?? raw.duration, url: raw.url ?? objectField(raw, 'metadata').url }),
	remixBody: (prompt, source) => ({ prompt, ...(source.model ? { model: source.model } : {}) }),
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: true,
	// router/relay-router.go GET /v1/models → controller/model.go ListModels: dto.OpenAIModels, with
	// supported_endpoint_types ["openai-video"] for the models of video channels (common/endpoint_type.go).
	modelLists: [{ path: '/models', parse: openAiModels }],
};
