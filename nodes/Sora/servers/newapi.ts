/**
 * new-api gateways (QuantumNous/new-api `router/video-router.go`, `relay/relay_task.go`): create,
 * get, content (or a result URL in the job) and remix; no list, delete, edits, extensions or
 * thumbnails. Gateways of this family read an integer `duration`; new-api itself reads `seconds`.
 */
import { contractForm, contractJson } from './openai';
import type { ServerDefinition } from './types';

export const newapi: ServerDefinition = {
	name: 'The new-api gateway',
	lacks: ['list', 'delete', 'edit', 'extend', 'thumbnail', 'spritesheet'],
	createJson: (fields, reference) => {
		const { prompt, model, seconds, ...rest } = contractJson(fields, reference);
		return { prompt, model, seconds, duration: fields.seconds, ...rest };
	},
	createForm: (fields) => {
		const form = contractForm(fields);
		form.append('duration', String(fields.seconds));
		return form;
	},
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: true,
};
