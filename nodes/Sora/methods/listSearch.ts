import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { connect } from '../api/client';
import { KNOWN_MODELS } from '../models/catalogue';
import { KNOWN_MODELS as WELL_KNOWN } from '../models/known';

/**
 * The model picker: the Sora models with their prices, then the other well-known video models (their first
 * id; a server may name them otherwise — any id can be typed in ID mode).
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').toLowerCase();
	const sora = KNOWN_MODELS.filter((model) => model.id.includes(needle)).map((model) => {
		const prices = [...new Set(Object.values(model.pricePerSecond))].map((price) => `$${price.toFixed(2)}`);
		return {
			name: `${model.id} (${model.sizes.length === 2 ? '720p' : 'up to 1080p'}, ${prices.join('–')}/s)`,
			value: model.id,
		};
	});
	const others = WELL_KNOWN.filter((model) => model.family !== 'sora')
		.filter((model) => model.name.toLowerCase().includes(needle) || model.ids.some((id) => id.includes(needle)))
		.map((model) => ({
			name: `${model.name} (${model.ids[0]}${model.seconds ? `, ${model.seconds.length > 4 ? `${model.seconds[0]}–${model.seconds[model.seconds.length - 1]}` : model.seconds.join('/')} s` : ''})`,
			value: model.ids[0],
		}));
	return { results: [...sora, ...others] };
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
	const client = await connect.call(this);
	let next: string | undefined;
	let pages = 0;
	for await (const page of client.listVideos('the video list', { order: 'desc', limit: 50, after: paginationToken })) {
		for (const video of page.data) {
			if (needle && !video.id.toLowerCase().includes(needle) && !(video.prompt ?? '').toLowerCase().includes(needle)) continue;
			const when = video.created_at ? new Date(video.created_at * 1000).toISOString().slice(0, 16).replace('T', ' ') : '';
			const prompt = (video.prompt ?? video.id).slice(0, 60);
			results.push({ name: `${prompt} — ${video.status}${when ? ` — ${when}` : ''}`, value: video.id });
		}
		next = page.next;
		if (++pages >= (needle ? MAX_PAGES_PER_SEARCH : 1) || results.length >= 20) break;
	}
	return { results, paginationToken: next };
}
