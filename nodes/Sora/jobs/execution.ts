/**
 * Which execution a node run belongs to, for what is shared across the node runs of one execution
 * (the cost budget) and kept apart between executions (lost creates).
 */
import { randomUUID } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/** Node runs without an execution id (none are known, but the API allows it) count as their own. */
const ownKeys = new WeakMap<object, string>();

export function executionKey(ctx: IExecuteFunctions): string {
	const id = ctx.getExecutionId?.();
	if (id) return `execution ${id}`;
	let own = ownKeys.get(ctx);
	if (!own) {
		own = `run ${randomUUID()}`;
		ownKeys.set(ctx, own);
	}
	return own;
}
