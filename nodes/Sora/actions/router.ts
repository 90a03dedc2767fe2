/**
 * Runs the chosen operation for every input item. Items are submitted concurrently (bounded), all
 * jobs that must be waited for share one polling loop, and output items keep the input order.
 * A failure never hides a job that was already paid for: its id is always reported.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { SoraClient } from '../api/client';
import { connect } from '../api/client';
import type { Video } from '../api/schemas';
import { createLimiter, runPool } from '../jobs/pool';
import type { SubmittedJob } from '../jobs/submit';
import type { PendingJob } from '../jobs/watcher';
import { watchVideos } from '../jobs/watcher';
import { failedJobError, videoItem, videoJson } from '../media/videoItem';
import { checkOperation } from '../servers';
import * as character from './character';
import type { Operation, OperationResult, SoraType } from './node.type';
import * as video from './video';
import { readConcurrency } from './parameters';

function operationOf(sora: SoraType): Operation | undefined {
	switch (sora.resource) {
		case 'video':
			return video[sora.operation];
		case 'character':
			return character[sora.operation];
		default:
			return undefined;
	}
}

function isJob(result: OperationResult): result is SubmittedJob {
	return !Array.isArray(result) && result.kind === 'job';
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** A job's model, size and seconds as asked, where the server reports none. */
function withAsked(video: Video, job: SubmittedJob): Video {
	const { asked } = job;
	if (!asked) return video;
	return {
		...video,
		model: video.model ?? (asked.model || null),
		size: video.size ?? (asked.size || null),
		seconds: video.seconds ?? (Number.isFinite(asked.seconds) ? String(asked.seconds) : null),
	};
}

/** OpenAI's own server is gone; say so where the user looks, instead of failing with a bare 404. */
function warnIfRetiredServer(ctx: IExecuteFunctions, client: SoraClient): void {
	if (/^https?:\/\/api\.openai\.com(\/|$)/i.test(client.server.baseUrl)) {
		ctx.addExecutionHints({
			message:
				'OpenAI retired its Videos API on 2026-09-24. Point the Sora API credential at a compatible server (LiteLLM proxy, Azure OpenAI, a gateway) or the bundled emulator.',
			type: 'warning',
			location: 'outputPane',
		});
	}
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const sora = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as SoraType;
	const operation = operationOf(sora);
	if (!operation?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${sora.operation}" of "${sora.resource}" is not supported`);
	}
	// The credential's server, resolved once for the run. A bad credential is reported per item.
	const client = await connect.call(this).catch(() => undefined);
	if (client) {
		warnIfRetiredServer(this, client);
		// An operation the credential's server lacks is refused before any item sends anything.
		checkOperation(this, client.server.dialect, sora.resource, sora.operation);
	}
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[][] = new Array(items.length);
	const errors: Array<NodeApiError | NodeOperationError> = [];
	const jobs: SubmittedJob[] = [];
	const submitted: SubmittedJob[] = [];
	const jobOf = (itemIndex: number) => jobs.find((job) => job.itemIndex === itemIndex)!;
	// An AI agent cannot receive binary data: as a tool the node answers with ids and download URLs.
	const toolMode = this.isToolExecution?.() === true;
	const deliver = async (via: SoraClient, job: SubmittedJob, reported: Video, download: boolean) => {
		const finished = withAsked(reported, job);
		// What the server says the job cost replaces the estimate in the execution's budget (../jobs/costBudget).
		if (finished.cost_usd !== undefined) job.budget?.charged(finished.cost_usd);
		const item = await videoItem(via, finished, job.itemIndex, { ...job.options, download: download && !toolMode });
		item.json = { ...item.json, ...(job.extra ?? {}), ...(toolMode ? via.assetUrls(finished) : {}) };
		return item;
	};

	const fail = (itemIndex: number, error: unknown, json: INodeExecutionData['json'] = {}) => {
		const nodeError = asNodeError(this, error, itemIndex);
		if (continueOnFail) {
			// A failed job keeps its own { code, message } error; any other failure carries the message.
			results[itemIndex] = [
				{
					json: {
						...json,
						error: json.error ?? nodeError.message,
						...(nodeError.description ? { errorDescription: nodeError.description } : {}),
					},
					pairedItem: { item: itemIndex },
				},
			];
		} else {
			errors[itemIndex] = nodeError;
		}
	};

	// Submission, polling and downloads overlap: a job is watched from the moment it is accepted,
	// and each finished video is downloaded while the others are still being polled.
	const concurrency = readConcurrency.call(this);
	const downloads = createLimiter(concurrency);
	const watcher = client
		? watchVideos.call(
				this,
				client,
				{
					onFinished: async (job: PendingJob, finished: Video) => {
						if (finished.status === 'failed') {
							fail(job.itemIndex, failedJobError.call(this, finished, job.itemIndex), videoJson(finished));
							return;
						}
						try {
							results[job.itemIndex] = [await downloads(async () => await deliver(client, jobOf(job.itemIndex), finished, true))];
						} catch (error) {
							fail(job.itemIndex, error, videoJson(finished));
						}
					},
					onError: async (job: PendingJob, error: Error) => fail(job.itemIndex, error, videoJson(job.video)),
				},
				{ concurrency },
			)
		: undefined;

	await runPool(items.length, concurrency, async (itemIndex) => {
		// Without Continue On Fail the first error ends the run: start no new paid jobs after it.
		if (!continueOnFail && errors.length > 0) return;
		try {
			// Without a client the credential is unusable: its own error, for this item.
			const itemClient = client ?? (await connect.call(this, itemIndex));
			const result = await operation.execute.call(this, itemIndex, itemClient);
			if (!isJob(result)) {
				results[itemIndex] = result;
				return;
			}
			submitted.push(result);
			if (result.options.wait && watcher) {
				jobs.push(result);
				watcher.add(result);
			} else {
				results[itemIndex] = [await deliver(itemClient, result, result.video, false)];
			}
		} catch (error) {
			fail(itemIndex, error);
		}
	});
	await watcher?.finish();

	const firstError = errors.find(Boolean);
	if (firstError) {
		const otherJobs = submitted.filter((job) => job.itemIndex !== firstError.context.itemIndex).map((job) => job.video.id);
		if (otherJobs.length) {
			firstError.description = `${firstError.description ?? ''} Jobs of other items in this run were submitted and are not lost: ${otherJobs.join(', ')}.`.trim();
		}
		throw firstError;
	}
	return [results.flat().filter(Boolean)];
}
