/**
 * new-api gateways (QuantumNous/new-api `router/video-router.go`, `relay/relay_task.go`,
 * `relay/common/relay_info.go`): create, get, content (or a result URL in the job) and remix; no
 * list, delete, edits, extensions, characters or thumbnails.
 * - `TaskSubmitReq` reads `seconds` (a string; a number is a 400 `invalid_json`). No `duration`: the Sora
 *   channel forwards the body to its upstream unchanged (relay/channel/task/sora/adaptor.go), which refuses
 *   fields the contract does not have.
 * - `input_reference` is a Go string (an object is a 400 `invalid_json`), and the Sora channel passes a string
 *   on to an upstream that wants a file or an object; an uploaded file works on every channel, so the node
 *   fetches an image URL and uploads it.
 * - Options of non-Sora channels travel in `metadata`; other top-level extras are dropped.
 * - Remix on non-Sora channels needs the `model`.
 */
import type { IDataObject } from 'n8n-workflow';

import { contractForm } from './openai';
import type { ServerDefinition } from './types';

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
const VENDOR_FAMILIES = /(^|\/)(kling|veo|wan|seedance|doubao|dreamina|jimeng|vidu|hailuo|minimax|gen4|grok|pixverse|ltx)/i;
const wantsDuration = (model: string) => VENDOR_FAMILIES.test(model.trim());

export const newapi: ServerDefinition = {
	name: 'The new-api gateway',
	lacks: () => ['list', 'delete', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'],
	imageUrl: 'upload',
	createJson: (fields) => {
		const { top, metadata } = splitOptions(fields.additional);
		return {
			prompt: fields.prompt,
			model: fields.model,
			seconds: String(fields.seconds),
			...(wantsDuration(fields.model) ? { duration: fields.seconds } : {}),
			size: fields.size,
			...top,
			...(Object.keys(metadata).length ? { metadata } : {}),
		};
	},
	createForm: (fields) => {
		const { top, metadata } = splitOptions(fields.additional);
		const duration = wantsDuration(fields.model) && top.duration === undefined ? { duration: String(fields.seconds) } : {};
		const form = contractForm({ ...fields, characters: [], additional: { ...duration, ...top } });
		if (Object.keys(metadata).length) form.append('metadata', JSON.stringify(metadata));
		return form;
	},
	remixBody: (prompt, source) => ({ prompt, ...(source.model ? { model: source.model } : {}) }),
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: true,
	// router/relay-router.go GET /v1/models → controller/model.go ListModels: dto.OpenAIModels, with
	// supported_endpoint_types ["openai-video"] for the models of video channels (common/endpoint_type.go).
	modelLists: [{ path: '/models', shape: 'openaiModels' }],
};
