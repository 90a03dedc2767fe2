import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IDataObject,
	IHttpRequestOptions,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { BASE_URL_HINT, FULL_HTTP_URL } from '../nodes/Sora/servers/baseUrl';

/** The base URL as the node reads it (trimmed, without trailing slashes), inside an n8n expression. */
const BASE_URL = 'String($credentials.baseUrl ?? "").trim().replace(/\\/+$/, "")';
const WELL_FORMED = `${FULL_HTTP_URL.toString()}.test(${BASE_URL})`;
/**
 * A malformed base URL never reaches the network (n8n would answer only "ERR_INVALID_URL"): the test reads a
 * data: URL instead, which the first rules below turn into the node's own sentence. n8n 2.40 hands a data: answer
 * to the rules as bytes (a server's answer arrives parsed, or as text), so the first byte, "{", marks it; the
 * parsed field marks it should n8n ever parse it.
 */
const MALFORMED_MARK = 'soraBaseUrlMalformed';
const MALFORMED_ANSWER = `data:application/json,${encodeURIComponent(JSON.stringify({ [MALFORMED_MARK]: true }))}`;
const MALFORMED_MESSAGE = `The base URL is not a full http(s) URL. ${BASE_URL_HINT}`;

export class SoraApi implements ICredentialType {
	name = 'soraApi';

	displayName = 'Sora API';

	icon: Icon = { light: 'file:../icons/sora.svg', dark: 'file:../icons/sora.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-sora/n8n-nodes-sora#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Server',
			name: 'server',
			type: 'options',
			default: 'openai',
			description:
				'The kind of server that speaks the Sora 2 Videos API for you, with whatever models it offers. It sets the defaults below and how the nodes speak to it.',
			options: [
				{ name: 'OpenAI (or Any Server With Its Exact API)', value: 'openai' },
				{ name: 'Azure OpenAI', value: 'azure' },
				{ name: 'LiteLLM Proxy', value: 'litellm' },
				{ name: 'OpenRouter', value: 'openrouter' },
				{ name: 'Other Compatible Gateway (New-API)', value: 'newapi' },
			],
		},
		{
			displayName:
				'OpenAI retired its own Videos API on 2026-09-24. Keep this setting for any server that speaks its exact API (for example the bundled emulator), and change the Base URL to that server.',
			name: 'retiredNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { server: ['openai'] } },
		},
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
			displayOptions: { show: { server: ['openai'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://my-resource.openai.azure.com/openai/v1',
			description: 'Your Azure OpenAI resource endpoint followed by /openai/v1',
			displayOptions: { show: { server: ['azure'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'http://localhost:4000/v1',
			description: 'The address of your LiteLLM proxy followed by /v1',
			displayOptions: { show: { server: ['litellm'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://openrouter.ai/api/v1',
			required: true,
			description: "OpenRouter's API root",
			displayOptions: { show: { server: ['openrouter'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://my-gateway.example.com/v1',
			description: 'The API root of your gateway, ending in /v1 (as for its OpenAI-compatible chat API)',
			displayOptions: { show: { server: ['newapi'] } },
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
			displayOptions: { show: { server: ['openai', 'newapi', 'openrouter'] } },
		},
		{
			displayName: 'Send Key As',
			name: 'authHeader',
			type: 'options',
			default: 'apiKey',
			options: [
				{ name: 'Api-Key Header (Azure OpenAI Key)', value: 'apiKey' },
				{ name: 'Authorization: Bearer (Microsoft Entra Token)', value: 'bearer' },
			],
			displayOptions: { show: { server: ['azure'] } },
		},
		{
			displayName: 'Send Key As',
			name: 'authHeader',
			type: 'options',
			default: 'bearer',
			options: [
				{ name: 'Authorization: Bearer', value: 'bearer' },
				{ name: 'X-Litellm-Api-Key Header', value: 'litellmKey' },
			],
			displayOptions: { show: { server: ['litellm'] } },
		},
		{
			displayName: 'LiteLLM Provider',
			name: 'litellmProvider',
			type: 'string',
			default: '',
			placeholder: 'openai',
			description:
				'The provider your video models run on (openai, azure, gemini, vertex_ai, fal_ai, …). It decides what LiteLLM can do: behind openai or azure everything but Delete (listing needs the provider named here); behind other providers (Veo, Kling on fal.ai and the rest) only Text and Image to Video, Get and Download.',
			displayOptions: { show: { server: ['litellm'] } },
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
		else if (credentials.authHeader === 'litellmKey') headers['x-litellm-api-key'] = apiKey;
		else headers.Authorization = `Bearer ${apiKey}`;
		if (credentials.organization) headers['OpenAI-Organization'] = String(credentials.organization);
		if (credentials.project) headers['OpenAI-Project'] = String(credentials.project);
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${WELL_FORMED} ? ${BASE_URL} : "" }}`,
			// A request every server of the preset answers with the key checked: OpenRouter and new-api
			// gateways have no video list, and LiteLLM's depends on the provider (Veo's is a 500).
			url: `={{ !${WELL_FORMED} ? "${MALFORMED_ANSWER}" : $credentials.server === "openrouter" ? "/key" : $credentials.server === "newapi" || $credentials.server === "litellm" ? "/models" : "/videos?limit=1" }}`,
			// n8n would follow a redirect to another host carrying the api-key / x-litellm-api-key header.
			disableFollowRedirect: true,
		},
		rules: [
			// n8n's type wants rules of one kind per list, its credential tester reads each rule by its own type.
			...[
				{ key: '0', value: '{'.charCodeAt(0) },
				{ key: MALFORMED_MARK, value: true },
			].map(
				({ key, value }) =>
					({ type: 'responseSuccessBody', properties: { key, value, message: MALFORMED_MESSAGE } }) as unknown as IAuthenticateRuleResponseCode,
			),
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message:
						'The server sends this address on to another one. Enter the final address of the API as the Base URL (the key is not sent to another address).',
				},
			})),
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
