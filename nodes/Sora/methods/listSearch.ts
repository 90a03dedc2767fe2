import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { KNOWN_MODELS } from '../helpers/models';
import { parseVideoList } from '../helpers/schemas';
import { soraRequest } from '../transport';

export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').toLowerCase();
	return {
		results: KNOWN_MODELS.filter((model) => model.id.includes(needle)).map((model) => {
			const prices = [...new Set(Object.values(model.pricePerSecond))].map((price) => `$${price.toFixed(2)}`);
			return {
				name: `${model.id} (${model.sizes.length === 2 ? '720p' : 'up to 1080p'}, ${prices.join('–')}/s)`,
				value: model.id,
			};
		}),
	};
}

export async function searchVideos(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const response = await soraRequest.call(this, 'GET', '/videos', {
		qs: { limit: 50, order: 'desc', ...(paginationToken ? { after: paginationToken } : {}) },
	});
	const list = parseVideoList(response.body);
	const needle = (filter ?? '').toLowerCase();
	const results = list.data
		.filter((video) => !needle || video.id.toLowerCase().includes(needle) || (video.prompt ?? '').toLowerCase().includes(needle))
		.map((video) => {
			const when = video.created_at ? new Date(video.created_at * 1000).toISOString().slice(0, 16).replace('T', ' ') : '';
			const prompt = (video.prompt ?? video.id).slice(0, 60);
			return { name: `${prompt} — ${video.status}${when ? ` — ${when}` : ''}`, value: video.id };
		});
	return { results, paginationToken: list.has_more ? (list.last_id ?? undefined) : undefined };
}
