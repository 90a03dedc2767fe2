import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { KNOWN_MODELS } from '../helpers/models';
import { parseVideoList } from '../helpers/schemas';
import { listHeaders } from '../helpers/dialects';
import { getServer, soraRequest } from '../transport';

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

/** With a filter, read a few pages at once so that matches further back still show up. */
const MAX_PAGES_PER_SEARCH = 5;

export async function searchVideos(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').toLowerCase();
	const results: INodeListSearchResult['results'] = [];
	let after = paginationToken;
	let more = true;
	const headers = listHeaders(this, (await getServer.call(this)).dialect, 'the video list');
	for (let page = 0; page < (needle ? MAX_PAGES_PER_SEARCH : 1) && more; page++) {
		const response = await soraRequest.call(this, 'GET', '/videos', {
			headers,
			qs: { limit: 50, order: 'desc', ...(after ? { after } : {}) },
		});
		const list = parseVideoList(response.body);
		for (const video of list.data) {
			if (needle && !video.id.toLowerCase().includes(needle) && !(video.prompt ?? '').toLowerCase().includes(needle)) continue;
			const when = video.created_at ? new Date(video.created_at * 1000).toISOString().slice(0, 16).replace('T', ' ') : '';
			const prompt = (video.prompt ?? video.id).slice(0, 60);
			results.push({ name: `${prompt} — ${video.status}${when ? ` — ${when}` : ''}`, value: video.id });
		}
		more = list.has_more && !!list.last_id;
		after = list.last_id ?? undefined;
		if (results.length >= 20) break;
	}
	return { results, paginationToken: more ? after : undefined };
}
