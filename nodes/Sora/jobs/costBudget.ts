/**
 * "Max Estimated Cost per Execution": a running total of the estimated price of the jobs one
 * execution submits — every Sora node of the workflow and every run of it (loops) together —
 * checked before each job is sent, so a workflow cannot spend past the limit. A create the server
 * refused started no job and gives its reservation back.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { estimateCost } from '../models';
import { executionKey } from './execution';

/** Totals of recent executions (module state: node runs of one execution share it). */
const totals = new Map<string, { spent: number; touched: number }>();
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

export function reserveBudget(
	this: IExecuteFunctions,
	itemIndex: number,
	job: { model: string; size: string; seconds: number },
): Reservation {
	const estimate = estimateCost(job.model, job.size, job.seconds);
	// Without a known price nothing is checked now, but what the server later reports still counts.
	const cost = estimate ?? 0;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const limit = Number(options.maxCostPerExecution ?? 0);
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
