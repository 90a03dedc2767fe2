/**
 * Reading files that users hand to the node: only the first bytes for checks, the whole file only
 * when it is uploaded.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export interface BinaryInput {
	binary: IBinaryData;
	field: string;
}

export function getBinaryInput(this: IExecuteFunctions, itemIndex: number, parameter: string): BinaryInput {
	const field = String(this.getNodeParameter(parameter, itemIndex, 'data')).trim();
	const item = this.getInputData()[itemIndex];
	if (!item?.binary?.[field]) {
		const available = Object.keys(item?.binary ?? {});
		throw new NodeOperationError(this.getNode(), `The input item has no binary field "${field}"`, {
			itemIndex,
			description: available.length
				? `Set the field name to one of: ${available.join(', ')}.`
				: 'The item carries no file. Add a node before this one that reads or downloads the file (for example Read/Write Files from Disk or HTTP Request).',
		});
	}
	return { binary: this.helpers.assertBinaryData(itemIndex, field), field };
}

/** The first `limit` bytes of a binary, read from the store's stream without loading the rest. */
export async function readBinaryHead(
	this: IExecuteFunctions,
	itemIndex: number,
	input: BinaryInput,
	limit: number,
): Promise<Buffer> {
	if (!input.binary.id) return Buffer.from(input.binary.data, 'base64').subarray(0, limit);
	const stream = await this.helpers.getBinaryStream(input.binary.id, Math.min(limit, 64 * 1024));
	const chunks: Buffer[] = [];
	let total = 0;
	try {
		for await (const chunk of stream) {
			chunks.push(chunk as Buffer);
			total += (chunk as Buffer).length;
			if (total >= limit) break;
		}
	} finally {
		stream.destroy();
	}
	return Buffer.concat(chunks).subarray(0, limit);
}

export async function readBinaryBuffer(this: IExecuteFunctions, itemIndex: number, input: BinaryInput): Promise<Buffer> {
	return await this.helpers.getBinaryDataBuffer(itemIndex, input.field);
}
