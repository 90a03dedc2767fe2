/**
 * Azure OpenAI v1 (Microsoft Learn, "Video generation with Sora"): the contract under
 * `https://{resource}.openai.azure.com/openai/v1`, key in the `api-key` header; create, get,
 * content, list, delete and remix; no characters, edits or extensions documented; 4, 8 or 12 s; two
 * sizes; the first frame only as an uploaded file.
 */
import { contractForm, contractJson, promptOnly } from './openai';
import type { ServerDefinition } from './types';
import { openAiModels } from './modelLists';

const SECONDS = [4, 8, 12];
const SIZES = ['720x1280', '1280x720'];

export const azure: ServerDefinition = {
	name: 'Azure OpenAI',
	lacks: () => ['edit', 'extend', 'characters', 'fileId'],
	imageUrl: 'upload',
	secondsProblem: (seconds) =>
		SECONDS.includes(seconds)
			? undefined
			: { message: `Azure OpenAI cannot make ${seconds} s videos; it makes 4, 8 or 12 seconds`, description: 'Set Duration to 4, 8 or 12 seconds.' },
	sizeProblem: (size) =>
		SIZES.includes(size)
			? undefined
			: {
					message: `Azure OpenAI cannot make ${size} videos; it makes 720x1280 and 1280x720 only`,
					description: 'Set Size to 720x1280 (portrait) or 1280x720 (landscape), and use an image of that size.',
				},
	createJson: contractJson,
	createForm: contractForm,
	remixBody: promptOnly,
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: false,
	// Azure OpenAI v1 serves the same GET /openai/v1/models list (Microsoft Learn, "Azure OpenAI v1 API").
	modelLists: [{ path: '/models', parse: openAiModels }],
};
