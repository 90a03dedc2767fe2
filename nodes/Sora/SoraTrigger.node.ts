import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { SoraClient } from './api/client';
import { connect } from './api/client';
import type { Video } from './api/schemas';
import { binaryOutputOption, downloadThumbnailOption, modelFilter } from './descriptions/generation';
import { videoItem, videoJson } from './media/videoItem';
import { findFinishedVideos } from './trigger/findFinishedVideos';
import type { TriggerFilters, TriggerState } from './trigger/findFinishedVideos';

/** n8n's durable scheduler gives a poll 45 s; stop starting downloads well before that. */
const POLL_BUDGET_MS = 35_000;

export class SoraTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sora Trigger',
		name: 'soraTrigger',
		icon: { light: 'file:../../icons/sora.svg', dark: 'file:../../icons/sora.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].map((event) => event === "failed" ? "Video Failed" : "Video Completed").join(", ") }}',
		description: 'Starts the workflow when a video job finishes, with the MP4 as binary data',
		defaults: { name: 'Sora Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'soraApi', required: true }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['completed'],
				options: [
					{ name: 'Video Completed', value: 'completed', description: 'A video finished and can be downloaded' },
					{ name: 'Video Failed', value: 'failed', description: 'A video job failed (for example blocked by moderation)' },
				],
			},
			{
				displayName: 'Only Videos Created After Activation',
				name: 'onlyNew',
				type: 'boolean',
				default: true,
				description:
					'Whether to ignore videos created before the workflow was activated. Turn off to also deliver earlier videos that still exist on the server.',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					modelFilter,
					{
						displayName: 'Prompt Contains',
						name: 'promptContains',
						type: 'string',
						default: '',
						description: 'Only videos whose prompt contains this text (case-insensitive)',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Video',
						name: 'download',
						type: 'boolean',
						default: true,
						description: 'Whether to download the MP4 into binary data. Each poll may hold up to "Max Videos per Poll" videos.',
					},
					downloadThumbnailOption,
					binaryOutputOption,
					{
						displayName: 'Max Videos per Poll',
						name: 'maxPerPoll',
						type: 'number',
						default: 10,
						typeOptions: { minValue: 1, maxValue: 100 },
						description: 'The most videos one poll emits; the rest follow on the next polls, oldest first',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const started = Date.now();
		const events = this.getNodeParameter('events', []) as string[];
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const manual = this.getMode() === 'manual';
		const criteria: TriggerFilters = {
			events: new Set(events),
			model: String(filters.model ?? '').trim(),
			promptContains: String(filters.promptContains ?? '').trim().toLowerCase(),
		};
		const staticData = this.getWorkflowStaticData('node') as { sora?: TriggerState };
		const onlyNew = this.getNodeParameter('onlyNew', true) as boolean;
		// Manual runs ("Fetch Test Event") use a throw-away state, so they neither read nor move the real one.
		// Active runs work on the live object, so an overlapping poll sees the videos this one reserved.
		const state: TriggerState = manual ? { floor: 0, emitted: {} } : (staticData.sora ?? newState(onlyNew));
		const before = JSON.stringify(staticData.sora ?? null);
		const client = await connect.call(this);
		const found = await findFinishedVideos(client, state, criteria, {
			limit: manual ? 1 : Number(options.maxPerPoll ?? 10),
			newestOnly: manual,
		});
		const delivery = {
			download: options.download !== false,
			downloadThumbnail: options.downloadThumbnail === true,
			binaryProperty: String(options.binaryPropertyOutput ?? 'data').trim() || 'data',
		};
		const items: INodeExecutionData[] = [];
		for (const video of found.videos) {
			// Out of time: what is left is handed back to the next poll.
			if (Date.now() - started > POLL_BUDGET_MS) break;
			items.push(await deliver(client, video, delivery));
		}
		found.commit(items.length);
		if (!manual && JSON.stringify(state) !== before) {
			// n8n saves static data only when a top-level key is assigned; nested edits go unseen.
			staticData.sora = { ...state, emitted: { ...state.emitted } };
		}
		return items.length ? [items] : null;
	}
}

function newState(onlyNew: boolean): TriggerState {
	return { floor: onlyNew ? Math.floor(Date.now() / 1000) : 0, emitted: {} };
}

/** One output item per video; an expired or undownloadable asset is flagged, never dropped. */
async function deliver(
	client: SoraClient,
	video: Video,
	delivery: { download: boolean; downloadThumbnail: boolean; binaryProperty: string },
): Promise<INodeExecutionData> {
	const expired = video.expires_at !== null && video.expires_at * 1000 < Date.now();
	if (video.status !== 'completed' || !delivery.download || expired) {
		return { json: { ...videoJson(video), ...(expired && video.status === 'completed' ? { asset_expired: true } : {}) } };
	}
	try {
		const { json, binary } = await videoItem(client, video, 0, delivery);
		return { json, binary };
	} catch (error) {
		return { json: { ...videoJson(video), download_error: (error as Error).message } };
	}
}
