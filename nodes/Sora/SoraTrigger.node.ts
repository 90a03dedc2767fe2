import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { SoraClient } from './api/client';
import { connect } from './api/client';
import { requireFeature } from './servers';
import { failureOf } from './api/errors';
import { settle } from './api/retry';
import type { Video } from './api/schemas';
import { binaryOutputOption, downloadThumbnailOption, modelFilter } from './descriptions/generation';
import { videoItem, videoJson } from './media/videoItem';
import type { Outcome, TriggerFilters, TriggerState } from './trigger/state';
import { MAX_TRIES, NOT_READY_MS, activationReach, baselineState, candidates, commit, lease, readState, release } from './trigger/state';
import { walkList } from './trigger/walk';

/**
 * n8n's durable scheduler abandons a poll after 45 s (and a poll that overlaps a slow one shares its
 * static data). Offsets from the start of a poll: listing ends by `listMs`, downloads by `downloadsMs`
 * (one is not started with less than `minDownloadMs` left), and nothing is recorded after `commitMs`,
 * when n8n may already have dropped the result. A lease lasts `leaseMs`, past any poll that still counts.
 */
const BUDGET = { listMs: 15_000, downloadsMs: 38_000, minDownloadMs: 2_000, commitMs: 43_000, leaseMs: 45_000 };

export class SoraTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sora Trigger',
		name: 'soraTrigger',
		icon: { light: 'file:../../icons/sora.svg', dark: 'file:../../icons/sora.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].map((event) => event === "failed" ? "Video Failed" : "Video Completed").join(", ") }}',
		// n8n 2.40's node creator shows ONE entry "Sora" for this trigger and the Sora node (their type names differ only by
		// "Trigger") and gives that entry the trigger's description: `app.description = trigger.description` in
		// generateMergedNodesAndActions (n8n-io/n8n packages/frontend/editor-ui/src/features/shared/nodeCreator/
		// composables/useActionsGeneration.ts). So this sentence starts with what the Sora node does, then says what the
		// trigger adds; the trigger's own actions in that entry ("On video completed") say the rest.
		description:
			'Generate videos from text or images with Sora, Veo, Kling and other models of a Sora 2 Videos API server, and start a workflow when a video finishes',
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
				// Short enough for the parameter panel's label column (the longer label was cut off); the name stays, so saved
				// workflows keep their setting.
				displayName: 'Only New Videos',
				name: 'onlyNew',
				type: 'boolean',
				default: true,
				description:
					'Whether to deliver only videos created after the workflow was published (activated). Turn off to also deliver earlier videos that still exist on the server.',
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
		const delivery = {
			download: options.download !== false,
			downloadThumbnail: options.downloadThumbnail === true,
			binaryProperty: String(options.binaryPropertyOutput ?? 'data').trim() || 'data',
		};
		const client = await connect.call(this);
		// A prompt filter on a list without prompts would never fire: say so instead of staying silent.
		if (criteria.promptContains) requireFeature(this, client.server, 'listPrompts', 'the Prompt Contains filter');
		const listDeadline = started + BUDGET.listMs;
		const downloadDeadline = started + BUDGET.downloadsMs;

		if (manual) {
			// "Fetch Test Event": the newest matching video, on a throw-away state that neither reads nor moves the real one.
			const scratch = baselineState(undefined);
			const walk = await walkList(client, scratch.floor, {
				deadline: listDeadline,
				enough: (seen) => candidates(scratch, seen, criteria, Date.now()).length > 0,
			});
			const newest = candidates(scratch, walk.seen, criteria, Date.now())[0];
			if (!newest) return null;
			// A test event is not tried again: a video not ready yet comes with its download_error at once.
			const result = await deliver(client, newest.video, { ...delivery, deadline: downloadDeadline }, walk.offset, MAX_TRIES, Number.NEGATIVE_INFINITY);
			return 'item' in result ? [[result.item]] : null;
		}

		// Active runs work on the live static data object, which polls that overlap share.
		const staticData = this.getWorkflowStaticData('node') as { sora?: unknown };
		const live = (): TriggerState | undefined => {
			const state = readState(staticData.sora);
			// n8n saves static data only when a top-level key is assigned; nested edits go unseen.
			if (state && state !== staticData.sora) staticData.sora = state;
			return state;
		};
		const save = () => {
			staticData.sora = live();
		};

		if (!live()) {
			const onlyNew = this.getNodeParameter('onlyNew', true) as boolean;
			if (onlyNew) {
				// Activation: what the list shows now was made before; this poll only takes note of it.
				const walk = await walkList(client, 0, { deadline: listDeadline, enough: activationReach });
				if (!live()) staticData.sora = baselineState(walk);
				return null;
			}
			staticData.sora = baselineState(undefined);
		}

		const walk = await walkList(client, live()?.floor ?? 0, { deadline: listDeadline });
		const by = `${started.toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
		const limit = Number(options.maxPerPoll ?? 10);
		let state = live() as TriggerState;
		const leased = lease(state, walk, criteria, { by, until: started + BUDGET.leaseMs, limit, now: Date.now() });
		save();

		const outcome: Outcome = { delivered: [], handedBack: [] };
		const items = new Map<string, INodeExecutionData>();
		for (const seen of leased) {
			if (downloadDeadline - Date.now() < BUDGET.minDownloadMs) {
				// Out of time: handed back to the next poll, not lost.
				outcome.handedBack.push({ seen, attempted: false });
				continue;
			}
			const tries = live()?.tries?.[seen.video.id] ?? 0;
			const notReadySince = live()?.notReady?.[seen.video.id];
			const result = await deliver(client, seen.video, { ...delivery, deadline: downloadDeadline }, live()?.offset, tries, notReadySince);
			if ('item' in result) {
				outcome.delivered.push(seen);
				items.set(seen.video.id, result.item);
			} else {
				outcome.handedBack.push({ seen, attempted: true, notReady: result.notReady });
			}
		}

		state = live() as TriggerState;
		if (Date.now() - started > BUDGET.commitMs) {
			// n8n may have abandoned this poll and dropped what it returns: record nothing, hand everything back.
			release(state, by);
			save();
			return null;
		}
		const emit = commit(state, walk, criteria, by, outcome, Date.now());
		save();
		const out = emit.map((seen) => items.get(seen.video.id) as INodeExecutionData);
		return out.length ? [out] : null;
	}
}

/**
 * A download of a video listed completed that the server refuses as not ready yet (OpenAI's 400
 * video_not_ready; gateways that report completion from the upstream's status before the file can be
 * fetched): the video will be downloadable, so it is tried again rather than delivered without its MP4.
 */
function isNotReady(error: Error): boolean {
	const status = failureOf(error)?.statusCode;
	if (status === undefined || ![400, 404, 409, 425].includes(status)) return false;
	return /video_not_ready|not (yet )?ready|still (processing|being)/i.test(`${error.message} ${(error as { description?: string }).description ?? ''}`);
}

/**
 * One output item per video. An expired asset is flagged; a download that fails for good (or keeps
 * failing, MAX_TRIES times) is emitted with the error and no binary, never dropped; one that failed in
 * a way worth another try, or ran out of the poll's time, is handed back; one the server calls not
 * ready is handed back (with when it was first seen so) until NOT_READY_MS have passed.
 */
async function deliver(
	client: SoraClient,
	video: Video,
	delivery: { download: boolean; downloadThumbnail: boolean; binaryProperty: string; deadline: number },
	offset: number | undefined,
	tries: number,
	notReadySince?: number,
): Promise<{ item: INodeExecutionData } | { handBack: true; notReady?: number }> {
	// Flagged without trying only when the server's own clock has surely passed expires_at (it may differ from ours).
	const expiredOn = (now: number) => video.expires_at !== null && video.expires_at * 1000 < now;
	const expired = expiredOn(Date.now() + (offset ?? 0));
	if (video.status !== 'completed' || !delivery.download || expired) {
		return { item: { json: { ...videoJson(video), ...(expired && video.status === 'completed' ? { asset_expired: true } : {}) } } };
	}
	const result = await settle(videoItem(client, video, 0, delivery));
	if (result.ok) return { item: { json: result.value.json, binary: result.value.binary } };
	if (isNotReady(result.error)) {
		const since = notReadySince ?? Date.now();
		if (Date.now() - since < NOT_READY_MS) return { handBack: true, notReady: since };
	}
	const lasting = failureOf(result.error)?.retryable === false;
	if (lasting && expiredOn(Date.now())) return { item: { json: { ...videoJson(video), asset_expired: true } } };
	if (!lasting && tries + 1 < MAX_TRIES) return { handBack: true };
	return { item: { json: { ...videoJson(video), download_error: result.error.message } } };
}
