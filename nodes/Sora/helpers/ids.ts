import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Reads an id parameter (plain string or resource locator) and refuses an empty one. */
export function readId(this: IExecuteFunctions, itemIndex: number, parameter: string, what: string): string {
	const value = this.getNodeParameter(parameter, itemIndex, '', { extractValue: true });
	const id = String(value ?? '').trim();
	if (!id) {
		throw new NodeOperationError(this.getNode(), `The ${what} ID is empty`, {
			itemIndex,
			description: `Enter the ${what} ID, or map it from an earlier node with an expression such as {{ $json.id }}.`,
		});
	}
	return id;
}
