/**
 * The three model-list formats the servers serve, each read into the registry's one shape (../models ListedModel).
 * Each server file names the list(s) it serves and the parser of each (`modelLists`); entries a parser cannot read
 * are skipped, never fatal (the picker still works).
 */
import { z } from 'zod';

import type { ListedModel } from '../models';

/** Reads one server's model list into ListedModels. */
export type ModelListParser = (data: unknown) => ListedModel[];

const stringArray = z.preprocess((value) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : undefined), z.array(z.string()).optional());
const numberArray = z.preprocess(
	(value) => (Array.isArray(value) ? value.map(Number).filter((v) => Number.isFinite(v) && v > 0) : undefined),
	z.array(z.number()).optional(),
);
const optionalBoolean = z.preprocess((value) => (typeof value === 'boolean' ? value : undefined), z.boolean().optional());
const positiveNumber = z.preprocess((value) => (typeof value === 'number' && value > 0 ? value : undefined), z.number().optional());
const optionalText = z.preprocess((value) => (value === undefined || value === null ? undefined : String(value)), z.string().optional());

/** OpenRouter's VideoModel (OpenRouterTeam/docs openapi/openapi.yaml `VideoModel`; GET /api/v1/videos/models). */
const openRouterVideoModel = z
	.object({
		id: z.string().min(1),
		name: z.string().optional(),
		supported_durations: numberArray,
		supported_resolutions: stringArray,
		supported_aspect_ratios: stringArray,
		supported_sizes: stringArray,
		supported_frame_images: stringArray,
		generate_audio: optionalBoolean,
		seed: optionalBoolean,
	})
	.passthrough();

/**
 * One deployment of LiteLLM's GET /model/info (BerriAI/litellm litellm/proxy/proxy_server.py `model_info_v1`):
 * `model_name` is what clients send as `model`; `model_info` carries the cost map's entry
 * (model_prices_and_context_window.json: `mode: "video_generation"`, `output_cost_per_second` or
 * `output_cost_per_video_per_second`, sometimes `supported_resolutions`).
 */
const litellmDeployment = z
	.object({
		model_name: z.string().min(1),
		model_info: z
			.object({
				mode: optionalText,
				output_cost_per_second: positiveNumber,
				output_cost_per_video_per_second: positiveNumber,
				supported_resolutions: stringArray,
			})
			.passthrough()
			.nullish(),
	})
	.passthrough();

/**
 * OpenAI's model list, which LiteLLM (GET /v1/models), new-api (controller/model.go ListModels: dto.OpenAIModels,
 * whose `supported_endpoint_types` says "openai-video" for video models, constant/endpoint_type.go) and Azure serve.
 */
const openAiModel = z
	.object({
		id: z.string().min(1),
		supported_endpoint_types: stringArray,
	})
	.passthrough();

/** The entries of `{data: [...]}`, each read by `read` (undefined: skipped); a model listed twice counts once. */
function listParser<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, read: (entry: T) => ListedModel): ModelListParser {
	return (data) => {
		const list = data && typeof data === 'object' ? (data as { data?: unknown }).data : undefined;
		const models: ListedModel[] = [];
		for (const entry of Array.isArray(list) ? list : []) {
			const parsed = schema.safeParse(entry);
			if (parsed.success) models.push(read(parsed.data));
		}
		// A deployment listed twice (LiteLLM load-balances one model_name over several) counts once.
		return models.filter((model, index) => models.findIndex((other) => other.id === model.id) === index);
	};
}

export const openRouterVideoModels = listParser(openRouterVideoModel, (m) => ({
	id: m.id,
	name: m.name,
	video: true,
	seconds: m.supported_durations,
	resolutions: m.supported_resolutions,
	aspectRatios: m.supported_aspect_ratios,
	sizes: m.supported_sizes,
	frameImages: m.supported_frame_images,
	audio: m.generate_audio,
	seed: m.seed,
}));

export const litellmModelInfo = listParser(litellmDeployment, (deployment) => {
	const info = deployment.model_info ?? {};
	return {
		id: deployment.model_name,
		video: info.mode ? info.mode === 'video_generation' : undefined,
		resolutions: info.supported_resolutions,
		pricePerSecond: info.output_cost_per_video_per_second ?? info.output_cost_per_second,
	};
});

export const openAiModels = listParser(openAiModel, (model) => {
	const types = model.supported_endpoint_types;
	return { id: model.id, video: types?.length ? types.includes('openai-video') : undefined };
});
