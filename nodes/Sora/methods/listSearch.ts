import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { connect } from '../api/client';
import { settle } from '../api/retry';
import type { ListedModel, ModelCapabilities } from '../models';
import { builtInModelIds, capabilitiesOf, modelLabel } from '../models';

/** Video models first (the server's word, else the built-in table's), then models nobody says anything about. */
const rank = (caps: ModelCapabilities) => (caps.video === true ? 0 : 1);

/**
 * The model picker: the server's own models (each server's list, ../servers: OpenRouter's video models with their
 * capabilities, LiteLLM's model info, new-api's and OpenAI's model lists) merged with the built-in table, video
 * models first; models the server says make no video are left out. Without a list (no credential yet, a server
 * that has none, a key that may not read it) the built-in table alone.
 *
 * No list is complete (a gateway may route ids it does not list; a new model comes out before the table knows it), so
 * a filter that matches no listed model is offered as a choice itself: typing `veo-3.1-generate-preview` offers it to
 * pick, labelled as not listed. n8n's own locators offer typed text where their list is not
 * exhaustive (the In-Memory Vector Store's key list offers the typed name: `allowNewResource` in n8n-io/n8n
 * packages/@n8n/nodes-langchain/nodes/vector_store/VectorStoreInMemory); a model id needs nothing created, so the
 * search method offers it itself. A filter that matches listed models only narrows the list.
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const listed = await settle((async () => await (await connect.call(this)).listModels())());
	const serverModels: ListedModel[] = listed.ok ? listed.value : [];
	const all = serverModels.length
		? serverModels.map((model) => capabilitiesOf(model.id, model)).filter((caps) => caps.video !== false)
		: builtInModelIds().map((id) => capabilitiesOf(id));
	const results = all
		.map((caps) => ({ caps, name: modelLabel(caps) }))
		.filter(({ caps, name }) => !needle || caps.id.toLowerCase().includes(needle) || name.toLowerCase().includes(needle))
		.sort((a, b) => rank(a.caps) - rank(b.caps))
		.map(({ caps, name }) => ({ name, value: caps.id }));
	// The typed id itself is a choice unless a listed model is exactly it (the list is not exhaustive): first when
	// nothing else matches, after the matches otherwise (typing sora-2 where only sora-2-pro is listed).
	const typed = (filter ?? '').trim();
	if (typed && !results.some((result) => result.value.toLowerCase() === typed.toLowerCase())) {
		const source = serverModels.length ? 'not listed by the server' : 'not in the built-in list';
		results.push({ name: `${typed} (${source})`, value: typed });
	}
	return { results };
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
