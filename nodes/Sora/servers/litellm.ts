/**
 * LiteLLM proxy (BerriAI/litellm `litellm/proxy/video_endpoints/endpoints.py`): the contract's
 * routes proxied to the provider behind it. It lists videos only for a named provider
 * (`custom-llm-provider`), which the credential's LiteLLM Provider sets.
 */
import { contractForm, contractJson } from './openai';
import type { ServerDefinition } from './types';

export const litellm: ServerDefinition = {
	name: 'LiteLLM proxy',
	lacks: [],
	createJson: contractJson,
	createForm: contractForm,
	assetQuery: (variant) => ({ variant }),
	mayCarryResultUrl: false,
};
