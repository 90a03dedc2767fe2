/**
 * Reading files that users hand to the node: only the first bytes for checks, the whole file only
 * when it is uploaded.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readFirstBytes } from '../api/probes';

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
	return (await readFirstBytes(stream, limit)).bytes.subarray(0, limit);
}

/**
 * The bytes of a public image (a `data:` URL decoded in place), fetched without credentials: only its first `limit`
 * bytes when `head` is set, else the whole file up to `limit` (larger ones are refused).
 */
export async function fetchUrlBytes(this: IExecuteFunctions, url: string, limit: number, head: boolean): Promise<Buffer> {
	if (url.startsWith('data:')) {
		const comma = url.indexOf(',');
		const payload = url.slice(comma + 1);
		return url.slice(0, comma).endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
	}
	const response = (await this.helpers.httpRequest({
		url,
		headers: head ? { range: `bytes=0-${limit - 1}` } : {},
		encoding: 'stream',
		returnFullResponse: true,
		timeout: 30_000,
	})) as { body: AsyncIterable<Buffer> & { destroy(): void } };
	const { bytes, full } = await readFirstBytes(response.body, limit);
	if (!head && full) throw new Error(`the image is larger than ${limit / 1024 / 1024} MB`);
	return bytes;
}

export async function readBinaryBuffer(this: IExecuteFunctions, itemIndex: number, input: BinaryInput): Promise<Buffer> {
	return await this.helpers.getBinaryDataBuffer(itemIndex, input.field);
}
