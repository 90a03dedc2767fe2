import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IDataObject,
	IHttpRequestOptions,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export class SoraApi implements ICredentialType {
	name = 'soraApi';

	displayName = 'Sora API';

	icon: Icon = { light: 'file:../icons/sora.svg', dark: 'file:../icons/sora.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-sora/n8n-nodes-sora#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.openai.com/v1',
			required: true,
			placeholder: 'https://my-litellm.example.com/v1',
			description:
				'The API root of a server that speaks the Sora 2 Videos API, ending before /videos. OpenAI retired its own server on 2026-09-24: use a compatible server (LiteLLM proxy, Azure OpenAI, a gateway) or the bundled emulator (http://localhost:4010/v1).',
		},
		{
			displayName: 'Send Key As',
			name: 'authHeader',
			type: 'options',
			default: 'bearer',
			options: [
				{ name: 'Authorization: Bearer (OpenAI, LiteLLM, Gateways)', value: 'bearer' },
				{ name: 'Api-Key Header (Azure OpenAI)', value: 'apiKey' },
			],
		},
		{
			displayName: 'Organization ID',
			name: 'organization',
			type: 'string',
			default: '',
			description: 'Optional OpenAI-Organization header',
		},
		{
			displayName: 'Project ID',
			name: 'project',
			type: 'string',
			default: '',
			description: 'Optional OpenAI-Project header',
		},
	];

	/** Bearer for OpenAI-style servers, the api-key header for Azure; optional org and project headers. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		const apiKey = String(credentials.apiKey ?? '');
		if (credentials.authHeader === 'apiKey') headers['api-key'] = apiKey;
		else headers.Authorization = `Bearer ${apiKey}`;
		if (credentials.organization) headers['OpenAI-Organization'] = String(credentials.organization);
		if (credentials.project) headers['OpenAI-Project'] = String(credentials.project);
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/videos',
			qs: { limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'The server refused the API key. Check the key, and for Azure set "Send Key As" to the api-key header.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The key is valid but not allowed to use videos. Check the project, organization and model access.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No Videos API at this base URL. It should be the API root ending in /v1 (for example https://host/v1), without /videos.',
				},
			},
		],
	};
}
