import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { JobRequest, SoraClient } from '../../api/client';
import { generationFields, imageSizeField, promptFields } from '../../descriptions/generation';
import type { SubmittedJob } from '../../jobs/submit';
import { submitJob } from '../../jobs/submit';
import { getBinaryInput, readBinaryBuffer, readBinaryHead } from '../../media/binaryInput';
import type { ImageInfo } from '../../api/probes';
import { detectImageFormat, readImageInfo } from '../../api/probes';
import type { Dialect, ImageReference } from '../../servers';
import { settle } from '../../api/retry';
import { checkFormOptions, checkSize, createForm, createJson, fetchesHttpsOnly, requireFeature, takesMultipart, uploadsImageUrls } from '../../servers';
import type { VideoRequest } from '../parameters';
import { readVideoRequest, readWaitOptions } from '../parameters';

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
function fitSize(this: IExecuteFunctions, itemIndex: number, dialect: Dialect, request: VideoRequest, info: ImageInfo): void {
	const imageSize = `${info.width}x${info.height}`;
	if (request.size === 'matchImage') {
		request.size = imageSize;
		checkSize(this, itemIndex, dialect, request.model, imageSize, request.skipModelChecks);
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

/** An image a server wants uploaded is fetched whole by the node; larger ones are refused. */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/**
 * The bytes of a public image (a `data:` URL decoded in place), fetched without credentials: only
 * its first `limit` bytes when `head` is set, else the whole file up to `limit`.
 */
async function fetchUrlBytes(this: IExecuteFunctions, url: string, limit: number, head: boolean): Promise<Buffer> {
	if (url.startsWith('data:')) {
		const comma = url.indexOf(',');
		const payload = url.slice(comma + 1);
		return url.slice(0, comma).endsWith(';base64')
			? Buffer.from(payload, 'base64')
			: Buffer.from(decodeURIComponent(payload), 'latin1');
	}
	const response = (await this.helpers.httpRequest({
		url,
		headers: head ? { range: `bytes=0-${limit - 1}` } : {},
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
			if (total >= limit) break;
		}
	} finally {
		response.body.destroy();
	}
	if (!head && total >= limit) throw new Error(`the image is larger than ${limit / 1024 / 1024} MB`);
	return Buffer.concat(chunks);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<SubmittedJob> {
	const { dialect } = client.server;
	const request = readVideoRequest.call(this, itemIndex, dialect);
	const source = this.getNodeParameter('imageSource', itemIndex) as string;
	const submit = async (body: JobRequest['body']) =>
		await submitJob.call(this, client, itemIndex, { kind: 'create', body }, readWaitOptions.call(this, itemIndex), request);

	/** A first frame the server takes as an uploaded file (multipart), or JSON-only servers as a data: URL. */
	const submitImage = async (image: Buffer, info: ImageInfo, fileName: string | undefined) => {
		if (!takesMultipart(dialect, request.model)) {
			return await submit(createJson(dialect, request, { image_url: `data:${info.mimeType};base64,${image.toString('base64')}` }));
		}
		checkFormOptions(this, itemIndex, dialect, request);
		const form = createForm(dialect, request);
		form.append('input_reference', new Blob([image], { type: info.mimeType }), fileName ?? `input.${info.format === 'jpeg' ? 'jpg' : info.format}`);
		return await submit(form);
	};

	if (source === 'binary') {
		const input = getBinaryInput.call(this, itemIndex, 'binaryPropertyName');
		const head = await readBinaryHead.call(this, itemIndex, input, HEADER_BYTES);
		const info = checkImageHead.call(this, itemIndex, head, `binary field "${input.field}"`);
		fitSize.call(this, itemIndex, dialect, request, info);
		return await submitImage(await readBinaryBuffer.call(this, itemIndex, input), info, input.binary.fileName);
	}

	let reference: ImageReference;
	if (source === 'url') {
		const url = String(this.getNodeParameter('imageUrl', itemIndex, '')).trim();
		// Servers that take the first frame only as a file (Azure, most of LiteLLM, new-api's Sora channels) get it
		// fetched and uploaded by the node, which can read http:// too. OpenAI and OpenRouter fetch it themselves, over
		// https only (OpenRouter says so; OpenAI's contract likewise). Vendors behind new-api and fal.ai fetch https
		// URLs themselves; an http:// one the node fetches and sends inline, as it does a binary image.
		const http = /^http:\/\//i.test(url);
		const upload = uploadsImageUrls(dialect, request.model) || (http && !fetchesHttpsOnly(dialect));
		if (!upload && http) {
			throw imageError.call(this, itemIndex, `"${url.slice(0, 100)}" is an http:// URL; ${dialect.name} fetches the first frame over https:// only`, 'Use the https:// address of the image, or fetch it with HTTP Request and use Image Source "Binary Field".');
		}
		if (!/^(https?:\/\/|data:image\/)/i.test(url)) {
			throw imageError.call(this, itemIndex, `"${url.slice(0, 100)}" is not an image URL`, 'Enter an https:// URL or a data:image/… URL.');
		}
		const fetched = await settle(fetchUrlBytes.call(this, url, upload ? MAX_IMAGE_BYTES : HEADER_BYTES, !upload));
		if (!fetched.ok) {
			throw imageError.call(
				this,
				itemIndex,
				`Could not read the image at the URL: ${fetched.error.message}`,
				'Check that the URL is public and points at the image itself, not a web page.',
			);
		}
		const info = checkImageHead.call(this, itemIndex, fetched.value, 'the URL');
		fitSize.call(this, itemIndex, dialect, request, info);
		if (upload) return await submitImage(fetched.value, info, url.startsWith('data:') ? undefined : new URL(url).pathname.split('/').pop());
		reference = { image_url: url };
	} else {
		requireFeature(this, dialect, 'fileId', undefined, itemIndex);
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
	return await submit(createJson(dialect, request, reference));
}
