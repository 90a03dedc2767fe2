import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { getBinaryInput, readBinaryBuffer, readBinaryHead } from '../../helpers/binaryInput';
import { generationFields, imageSizeField, promptFields } from '../../helpers/fields';
import type { ImageInfo } from '../../helpers/media';
import { requireFeature, takesMultipart } from '../../helpers/dialects';
import { detectImageFormat, readImageInfo } from '../../helpers/media';
import type { SubmittedJob, VideoRequest } from '../../helpers/videoRequest';
import { checkSize, estimateOf, formBody, jsonBody, readVideoRequest, submitJob } from '../../helpers/videoRequest';

/** JPEG headers can sit behind large EXIF blocks; 512 KB covers real photos without reading the file. */
const HEADER_BYTES = 512 * 1024;

const properties: INodeProperties[] = [
	...promptFields,
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		default: 'binary',
		description: 'Where the first frame comes from. It must be a PNG, JPEG or WebP of exactly the video size.',
		options: [
			{ name: 'Binary Field', value: 'binary', description: 'An image in the input item' },
			{ name: 'URL', value: 'url', description: 'An https:// or data: URL the server fetches' },
			{ name: 'File ID', value: 'fileId', description: 'A file already uploaded to the server' },
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { imageSource: ['binary'] } },
		hint: 'The name of the input binary field containing the image',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/first-frame.png',
		displayOptions: { show: { imageSource: ['url'] } },
	},
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'file-abc123',
		displayOptions: { show: { imageSource: ['fileId'] } },
	},
	...generationFields(imageSizeField),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['imageToVideo'] } },
	properties,
);

function imageError(this: IExecuteFunctions, itemIndex: number, message: string, description: string) {
	return new NodeOperationError(this.getNode(), message, { itemIndex, description });
}

/** Checks the image against the requested size, or adopts its size for "Match Input Image". */
function fitSize(this: IExecuteFunctions, itemIndex: number, request: VideoRequest, info: ImageInfo): void {
	const imageSize = `${info.width}x${info.height}`;
	if (request.size === 'matchImage') {
		request.size = imageSize;
		checkSize.call(this, itemIndex, request.model, imageSize, request.dialect);
	}
	if (imageSize !== request.size) {
		throw imageError.call(
			this,
			itemIndex,
			`The image is ${imageSize} but the video size is ${request.size}`,
			`The first frame must match the video size exactly. Resize or crop the image to ${request.size} (for example with the Edit Image node), or set Size to "Match Input Image".`,
		);
	}
}

function checkImageHead(this: IExecuteFunctions, itemIndex: number, head: Buffer, source: string): ImageInfo {
	if (head.length === 0) {
		throw imageError.call(this, itemIndex, `The image from ${source} is empty (0 bytes)`, 'Check the node that produced the image.');
	}
	if (!detectImageFormat(head)) {
		throw imageError.call(
			this,
			itemIndex,
			`The file from ${source} is not a PNG, JPEG or WebP image`,
			'Convert the image to PNG, JPEG or WebP first.',
		);
	}
	const info = readImageInfo(head);
	if (!info) {
		throw imageError.call(
			this,
			itemIndex,
			`The image from ${source} is truncated or damaged: its size cannot be read`,
			'Check the node that produced the image, or re-export it.',
		);
	}
	return info;
}

async function fetchUrlHead(this: IExecuteFunctions, url: string): Promise<Buffer> {
	if (url.startsWith('data:')) {
		const comma = url.indexOf(',');
		const payload = url.slice(comma + 1);
		return url.slice(0, comma).endsWith(';base64')
			? Buffer.from(payload, 'base64')
			: Buffer.from(decodeURIComponent(payload), 'latin1');
	}
	// A public image: fetched without credentials, asking only for its first bytes.
	const response = (await this.helpers.httpRequest({
		url,
		headers: { range: `bytes=0-${HEADER_BYTES - 1}` },
		encoding: 'stream',
		returnFullResponse: true,
		timeout: 30_000,
	})) as { body: AsyncIterable<Buffer> & { destroy(): void } };
	const chunks: Buffer[] = [];
	let total = 0;
	try {
		for await (const chunk of response.body) {
			chunks.push(chunk);
			total += chunk.length;
			if (total >= HEADER_BYTES) break;
		}
	} finally {
		response.body.destroy();
	}
	return Buffer.concat(chunks);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<SubmittedJob> {
	const request = await readVideoRequest.call(this, itemIndex);
	const source = this.getNodeParameter('imageSource', itemIndex) as string;

	if (source === 'binary') {
		const input = getBinaryInput.call(this, itemIndex, 'binaryPropertyName');
		const head = await readBinaryHead.call(this, itemIndex, input, HEADER_BYTES);
		const info = checkImageHead.call(this, itemIndex, head, `binary field "${input.field}"`);
		fitSize.call(this, itemIndex, request, info);
		const image = await readBinaryBuffer.call(this, itemIndex, input);
		if (request.dialect && !takesMultipart(request.dialect)) {
			// JSON-only servers (OpenRouter) take the first frame as a data: URL.
			const dataUrl = `data:${info.mimeType};base64,${image.toString('base64')}`;
			return await submitJob.call(this, itemIndex, '/videos', jsonBody(request, { input_reference: { image_url: dataUrl } }), estimateOf(request));
		}
		const form = formBody(request);
		const fileName = input.binary.fileName ?? `input.${info.format === 'jpeg' ? 'jpg' : info.format}`;
		form.append('input_reference', new Blob([image], { type: info.mimeType }), fileName);
		return await submitJob.call(this, itemIndex, '/videos', form, estimateOf(request));
	}

	let reference: IDataObject;
	if (source === 'url') {
		const url = String(this.getNodeParameter('imageUrl', itemIndex, '')).trim();
		if (!/^(https?:\/\/|data:image\/)/i.test(url)) {
			throw imageError.call(this, itemIndex, `"${url.slice(0, 100)}" is not an image URL`, 'Enter an https:// URL or a data:image/… URL.');
		}
		let head: Buffer;
		try {
			head = await fetchUrlHead.call(this, url);
		} catch (error) {
			throw imageError.call(
				this,
				itemIndex,
				`Could not read the image at the URL: ${(error as Error).message}`,
				'Check that the URL is public and points at the image itself, not a web page.',
			);
		}
		fitSize.call(this, itemIndex, request, checkImageHead.call(this, itemIndex, head, 'the URL'));
		reference = { image_url: url };
	} else {
		if (request.dialect) requireFeature(this, request.dialect, 'fileId', undefined, itemIndex);
		const fileId = String(this.getNodeParameter('fileId', itemIndex, '')).trim();
		if (!fileId) throw imageError.call(this, itemIndex, 'The file ID is empty', 'Enter the ID of an uploaded image file.');
		if (request.size === 'matchImage') {
			throw imageError.call(
				this,
				itemIndex,
				'"Match Input Image" cannot read the size of an uploaded file',
				'Choose the size of the uploaded image in the Size field.',
			);
		}
		reference = { file_id: fileId };
	}
	return await submitJob.call(this, itemIndex, '/videos', jsonBody(request, { input_reference: reference }), estimateOf(request));
}
