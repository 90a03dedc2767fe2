/**
 * Starting a paid job: the cost budget first, then one create that is never paid twice
 * (./createOnce). What comes back is the job the router follows (./watcher) or hands back at once.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { JobRequest, SoraClient } from '../api/client';
import { settle } from '../api/retry';
import type { Video } from '../api/schemas';
import type { Estimate, Reservation } from './costBudget';
import { asSent, reserveBudget } from './costBudget';
import { createJobOnce, startedNoJob } from './createOnce';
import type { PendingJob } from './watcher';

/** The options of an operation that starts a job, read once from the editor (actions/parameters readJobOptions). */
export interface JobOptions {
	wait: boolean;
	maxWaitMs: number;
	binaryProperty: string;
	downloadThumbnail: boolean;
	/** Max Estimated Cost per Execution in USD; 0 sets no limit. */
	maxCostUsd: number;
	/** Lost Job Search: how long a create whose answer was lost is looked for in the job list (ms). */
	lostJobSearchMs: number;
}

/** A job the router still has to wait for (or hand back at once when waiting is off). */
export interface SubmittedJob extends PendingJob {
	kind: 'job';
	options: JobOptions;
	/** Extra JSON for the output item (for example an extension count). */
	extra?: IDataObject;
	/** What was asked for, to fill in what a server leaves null (Veo behind LiteLLM reports no model, size or seconds). */
	asked?: Estimate;
	/** The job's place in the execution's cost budget, corrected once the server says what it cost. */
	budget?: Reservation;
}

/**
 * Sends one job-creating request. The idempotency key lets servers that honour it answer a
 * repeated request with the job they already started instead of charging for a second one.
 */
export async function submitJob(
	this: IExecuteFunctions,
	client: SoraClient,
	itemIndex: number,
	job: JobRequest,
	options: JobOptions,
	estimate?: Estimate,
): Promise<SubmittedJob> {
	const reservation = estimate ? reserveBudget.call(this, itemIndex, options.maxCostUsd, estimate, asSent(job, estimate)) : undefined;
	const created = await settle(createJobOnce.call(this, client, itemIndex, job, options.lostJobSearchMs));
	if (!created.ok) {
		// Refused (4xx) or never accepted: nothing was spent. A job that may exist stays counted.
		if (startedNoJob(created.error)) reservation?.release();
		throw created.error;
	}
	const { video, submittedAt } = created.value;
	return { kind: 'job', video, itemIndex, submittedAt, maxWaitMs: options.maxWaitMs, options, asked: estimate, budget: reservation };
}

/** Remix, edit and extend work on finished videos only; say so before paying for a doomed job. */
export async function fetchCompletedSource(
	this: IExecuteFunctions,
	client: SoraClient,
	itemIndex: number,
	id: string,
	action: string,
): Promise<Video> {
	const source = await client.getVideo(id, itemIndex);
	if (source.status !== 'completed') {
		throw new NodeOperationError(this.getNode(), `Video ${id} is ${source.status.replace('_', ' ')}; only a completed video can be ${action}`, {
			itemIndex,
			description: 'Wait until the video is completed (Wait for Completion, or the Sora Trigger), then run this step.',
		});
	}
	return source;
}

/** The price of making another clip like `source` (same model and size), for the cost budget. */
export function estimateLike(source: Video, seconds: number): Estimate {
	return { model: source.model ?? '', size: source.size ?? '', seconds };
}

/** What a job made from `source` will show in the job list: its model and size, and `seconds`. */
export function showsLike(source: Video, seconds: Array<string | null>): JobRequest['shows'] {
	const known = seconds.filter((value): value is string => value !== null);
	return { model: source.model ?? undefined, size: source.size ?? undefined, seconds: known.length ? known : undefined };
}
