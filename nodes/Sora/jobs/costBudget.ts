/**
 * "Max Estimated Cost per Execution": a running total of the estimated price of the jobs one
 * execution submits — every Sora node of the workflow and every run of it (loops) together —
 * checked before each job is sent, so a workflow cannot spend past the limit. It prices the body
 * that is sent (asSent: after Additional Body Fields), not only the form. A create the server
 * refused started no job and gives its reservation back. The totals are process-wide memory
 * (./memory).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { JobRequest } from '../api/client';
import { estimateCost } from '../models';
import { executionKey } from './execution';
import { remember } from './memory';

/** Totals of recent executions (module state: node runs of one execution share it). */
const totals = remember<{ spent: number; touched: number }>('budgets');
/** An execution still running after this long keeps its total only if it submitted meanwhile. */
const KEEP_MS = 24 * 60 * 60_000;
const MAX_EXECUTIONS = 1_000;

function totalOf(ctx: IExecuteFunctions): { spent: number; touched: number } {
	const key = executionKey(ctx);
	const now = Date.now();
	let total = totals.get(key);
	if (total) totals.delete(key); // re-inserted below: the Map stays ordered by last use
	total ??= { spent: 0, touched: now };
	total.touched = now;
	totals.set(key, total);
	for (const [other, { touched }] of totals) {
		if (now - touched < KEEP_MS && totals.size <= MAX_EXECUTIONS) break;
		totals.delete(other);
	}
	return total;
}

/** What the cost budget needs to know about a job. */
export interface Estimate {
	model: string;
	size: string;
	seconds: number;
}

/**
 * A job's price, counted against the execution: the estimate until the server says what the job cost (OpenRouter's
 * `usage.cost`), then that figure — the best one available — so later jobs of the execution are checked against
 * what was really spent. Released when the job is known not to exist.
 */
export interface Reservation {
	release(): void;
	/** The server's own figure for the finished job, in USD. */
	charged(actualUsd: number): void;
}

/**
 * What the request that is sent asks for. Additional Body Fields (and model options) are merged into the body
 * last and win on the server, so the limit prices them, not the form. `job.shows` is the server module's own reading
 * of that body (servers/*: shownInList), so a server that spells the request otherwise is read its way: OpenRouter's
 * `resolution` + `aspect_ratio` become the size, its `duration` the seconds. A field it does not show is read from
 * the body's contract spelling, and else is what the form asked.
 */
export function asSent(job: Pick<JobRequest, 'body' | 'shows'>, asked: Estimate): Estimate {
	const read = (key: string): string | undefined => {
		const body = job.body;
		if (typeof FormData !== 'undefined' && body instanceof FormData) {
			const value = body.get(key);
			return typeof value === 'string' ? value : undefined;
		}
		const value = body && typeof body === 'object' ? (body as IDataObject)[key] : undefined;
		return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
	};
	const shows = job.shows ?? {};
	// The body's own `seconds` first: an extension's list shows the stitched total, but the body asks for (and the
	// server charges) the seconds added. Then the server's reading (OpenRouter's `duration`).
	const seconds = Number(read('seconds') ?? shows.seconds?.[0] ?? read('duration') ?? Number.NaN);
	return {
		model: shows.model ?? read('model') ?? asked.model,
		size: shows.size ?? read('size') ?? asked.size,
		seconds: Number.isFinite(seconds) ? seconds : asked.seconds,
	};
}

export function reserveBudget(
	this: IExecuteFunctions,
	itemIndex: number,
	/** Max Estimated Cost per Execution (USD); 0 sets no limit. */
	limit: number,
	job: Estimate,
	sent?: Estimate,
): Reservation {
	// The dearer of what the form asked and what the body says: a server may read either spelling.
	const prices = [estimateCost(job.model, job.size, job.seconds), sent && estimateCost(sent.model, sent.size, sent.seconds)].filter(
		(price): price is number => price !== undefined,
	);
	const estimate = prices.length ? Math.max(...prices) : undefined;
	// Without a known price nothing is checked now, but what the server later reports still counts.
	const cost = estimate ?? 0;
	const total = totalOf(this);
	if (limit && estimate !== undefined && total.spent + cost > limit + 1e-9) {
		throw new NodeOperationError(
			this.getNode(),
			`Not submitted: this job (about $${cost.toFixed(2)}) would bring the estimated cost of this execution to $${(total.spent + cost).toFixed(2)}, over the limit of $${limit.toFixed(2)}`,
			{
				itemIndex,
				description: 'Raise "Max Estimated Cost per Execution", or send fewer, shorter or smaller videos per execution.',
			},
		);
	}
	total.spent += cost;
	let counted = cost;
	let released = false;
	return {
		release: () => {
			if (released) return;
			released = true;
			total.spent = Math.max(0, total.spent - counted);
		},
		charged: (actualUsd) => {
			if (released || !Number.isFinite(actualUsd) || actualUsd < 0) return;
			total.spent = Math.max(0, total.spent - counted + actualUsd);
			counted = actualUsd;
		},
	};
}
