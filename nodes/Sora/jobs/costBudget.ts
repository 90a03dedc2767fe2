/**
 * "Max Estimated Cost per Execution": a running total of the estimated price of the jobs one node
 * run submits, checked before each job is sent, so a workflow cannot spend past the limit.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { estimateCost } from '../models/catalogue';

/** Keyed by the node's execution context: one total per node run, however many items. */
const spentByRun = new WeakMap<object, { spent: number }>();

export function reserveBudget(
	this: IExecuteFunctions,
	itemIndex: number,
	job: { model: string; size: string; seconds: number },
): number | undefined {
	const cost = estimateCost(job.model, job.size, job.seconds);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const limit = Number(options.maxCostPerExecution ?? 0);
	if (!limit || cost === undefined) return cost;
	const total = spentByRun.get(this) ?? { spent: 0 };
	spentByRun.set(this, total);
	if (total.spent + cost > limit + 1e-9) {
		throw new NodeOperationError(
			this.getNode(),
			`Not submitted: this job (about $${cost.toFixed(2)}) would bring the estimated cost of this run to $${(total.spent + cost).toFixed(2)}, over the limit of $${limit.toFixed(2)}`,
			{
				itemIndex,
				description: 'Raise "Max Estimated Cost per Execution", or send fewer, shorter or smaller videos per run.',
			},
		);
	}
	total.spent += cost;
	return cost;
}
