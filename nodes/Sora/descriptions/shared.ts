/**
 * One copy of a parameter that several operations show alike. n8n-workflow's `updateDisplayOptions` gives every
 * operation its own copy of the shared blocks (prompt builder, model, duration, options…), which made most of the
 * node description. Here each operation's list is merged into one: a property equal to one already placed (apart
 * from the operations that show it), later than that operation's previous property, becomes that property with
 * the operation added to its `show.operation`; any other is placed right after that operation's previous property.
 * So each operation still sees exactly its own properties in its own order (test/unit/description.test.js checks
 * it), and a saved workflow stores the same parameter names and values.
 */
import type { INodeProperties } from 'n8n-workflow';

/** The property as JSON without the operations that show it, to compare two copies. */
function withoutOperation(property: INodeProperties): string {
	const show = { ...property.displayOptions?.show };
	delete show.operation;
	return JSON.stringify({ ...property, displayOptions: { ...property.displayOptions, show } });
}

const operationsOf = (property: INodeProperties) => (property.displayOptions?.show?.operation ?? []) as string[];

/** Merges per-operation property lists (each from updateDisplayOptions) into one list with shared copies. */
export function shareAcrossOperations(lists: INodeProperties[][]): INodeProperties[] {
	const merged: INodeProperties[] = [];
	const keys: string[] = [];
	for (const list of lists) {
		let last = -1;
		for (const property of list) {
			const key = withoutOperation(property);
			const found = keys.indexOf(key, last + 1);
			if (found >= 0 && operationsOf(property).length) {
				const shared = merged[found];
				const operations = [...operationsOf(shared), ...operationsOf(property)];
				merged[found] = { ...shared, displayOptions: { ...shared.displayOptions, show: { ...shared.displayOptions!.show, operation: operations } } };
				last = found;
			} else {
				merged.splice(last + 1, 0, property);
				keys.splice(last + 1, 0, key);
				last += 1;
			}
		}
	}
	return merged;
}
