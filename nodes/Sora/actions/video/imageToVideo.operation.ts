import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { JobRequest, SoraClient } from '../../api/client';
import { generationFields, imageSizeField, promptFields } from '../../descriptions/generation';
import type { SubmittedJob } from '../../jobs/submit';
import { submitJob } from '../../jobs/submit';
import { fetchUrlBytes, getBinaryInput, readBinaryBuffer, readBinaryHead } from '../../media/binaryInput';
import type { ImageInfo } from '../../api/probes';
import { detectImageFormat, readImageInfo } from '../../api/probes';
import type { Server, ImageReference } from '../../servers';
import { settle } from '../../api/retry';
import { checkSize, createJson, createWithImage, listShows, requireFeature, urlFrameRoute } from '../../servers';
import type { VideoRequest } from '../parameters';
import { readVideoRequest, readJobOptions } from '../parameters';

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
function fitSize(this: IExecuteFunctions, itemIndex: number, server: Server, request: VideoRequest, info: ImageInfo): void {
	const imageSize = `${info.width}x${info.height}`;
	if (request.size === 'matchImage') {
		request.size = imageSize;
		checkSize(this, itemIndex, server, request.model, imageSize, request.skipModelChecks);
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

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<SubmittedJob> {
	const { server } = client;
	const request = readVideoRequest.call(this, itemIndex, server);
	const source = this.getNodeParameter('imageSource', itemIndex) as string;
	const submit = async (body: JobRequest['body']) =>
		await submitJob.call(this, client, itemIndex, { kind: 'create', body, shows: listShows(server, body) }, readJobOptions.call(this, itemIndex), request);

	/** A first frame the node holds as bytes: the server decides how they travel (servers createWithImage). */
	const submitImage = async (image: Buffer, info: ImageInfo, fileName: string | undefined) => {
		const name = fileName ?? `input.${info.format === 'jpeg' ? 'jpg' : info.format}`;
		return await submit(createWithImage(this, itemIndex, server, request, { bytes: image, mimeType: info.mimeType, fileName: name }));
	};

	if (source === 'binary') {
		const input = getBinaryInput.call(this, itemIndex, 'binaryPropertyName');
		const head = await readBinaryHead.call(this, itemIndex, input, HEADER_BYTES);
		const info = checkImageHead.call(this, itemIndex, head, `binary field "${input.field}"`);
		fitSize.call(this, itemIndex, server, request, info);
		return await submitImage(await readBinaryBuffer.call(this, itemIndex, input), info, input.binary.fileName);
	}

	let reference: ImageReference;
	if (source === 'url') {
		const url = String(this.getNodeParameter('imageUrl', itemIndex, '')).trim();
		// The server decides whether it fetches the URL itself or the node sends the image's bytes.
		const upload = urlFrameRoute(this, itemIndex, server, request.model, url) === 'fetch';
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
		fitSize.call(this, itemIndex, server, request, info);
		if (upload) return await submitImage(fetched.value, info, url.startsWith('data:') ? undefined : new URL(url).pathname.split('/').pop());
		reference = { image_url: url };
	} else {
		requireFeature(this, server, 'fileId', undefined, itemIndex);
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
	return await submit(createJson(server, request, reference));
}
