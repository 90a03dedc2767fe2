/**
 * OpenAI's own Videos API (retired 2026-09-24), the reference every other server is compared with,
 * and the spelling of any server that speaks it exactly (the bundled emulator among them).
 */
import type { IDataObject } from 'n8n-workflow';

import type { CreateFields, ImageReference, ServerModule } from './types';
import { openAiModels } from './modelLists';

/** The create body as the contract spells it: seconds as a string, size as WIDTHxHEIGHT. */
export function contractJson(fields: CreateFields, reference?: ImageReference): IDataObject {
	return {
		prompt: fields.prompt,
		model: fields.model,
		seconds: String(fields.seconds),
		size: fields.size,
		...(fields.characters.length ? { characters: fields.characters.map(({ id }) => ({ id })) } : {}),
		...(reference ? { input_reference: reference } : {}),
	};
}

/** The same body as multipart form fields. */
export function contractForm(fields: CreateFields): FormData {
	const form = new FormData();
	form.append('prompt', fields.prompt);
	form.append('model', fields.model);
	form.append('seconds', String(fields.seconds));
	form.append('size', fields.size);
	fields.characters.forEach(({ id }, index) => form.append(`characters[${index}][id]`, id));
	// Additional Body Fields replace the form's own value (set, not append), as they do in a JSON body: a field
	// sent twice would leave the server to pick one (Starlette and FastAPI read the last), and the cost limit and
	// the lost-create search (which read the first) would then price and match another job than the one made.
	for (const [key, value] of Object.entries(fields.additional)) {
		form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
	}
	return form;
}

/** The remix body of the contract: the prompt alone. */
export const promptOnly = (prompt: string) => ({ prompt });

export const openai: ServerModule = {
	name: 'OpenAI',
	lacks: () => [],
	// The contract takes `input_reference: {image_url}` or `{file_id}` in a JSON create.
	imageUrl: 'json',
	httpsImageUrlsOnly: true,
	createJson: contractJson,
	createForm: contractForm,
	remixBody: promptOnly,
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: false,
	// OpenAI's GET /v1/models: every model of the account (chat ones too), no capabilities.
	modelLists: [{ path: '/models', parse: openAiModels }],
};
