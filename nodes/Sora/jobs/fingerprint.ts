/**
 * What identifies a job-creating request, twice over:
 *
 * - its fingerprint: what the server's job list will show of the job it starts (prompt, model,
 *   size, duration, source video), so a create whose answer was lost can be recognised there;
 * - its digest: a hash of everything sent, the parts the list does not show included (the first
 *   frame's bytes, characters, an uploaded video, extra body fields). Two requests with the same
 *   fingerprint and different digests cannot be told apart in the list, so ./createOnce never lets
 *   both be in doubt at once.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { JobRequest } from '../api/client';
import type { Video } from '../api/schemas';

export interface Fingerprint {
	prompt: string;
	model?: string;
	size?: string;
	/** The durations the job may show (an extension may show the stitched total or the added part). */
	seconds?: string[];
	/** The video the job is made from; null when the job must show none (a new video). */
	source?: string | null;
}

/**
 * The fingerprint of a job-creating request: what the operation says the job will show (`job.shows`: for a create,
 * what the server module reads back from the body it spelled; for a remix, an edit or an extension, the prompt and
 * the source's model, size and duration), and which video it is made from.
 */
export function fingerprintOf(job: JobRequest): Fingerprint {
	const { prompt = '', model, size, seconds } = job.shows ?? {};
	// A new video shows no source; the list does not say which video an extension continues.
	const source = job.kind === 'create' ? null : job.kind === 'extend' ? undefined : job.sourceId;
	return { prompt, model, size, seconds, source };
}

/** The list shows `seen` for a field the request set to `wanted`: it fits unless both are known and differ. */
function fits(wanted: string | undefined, seen: string | null | undefined): boolean {
	return wanted === undefined || seen === null || seen === undefined || wanted === seen;
}

/** Whether a listed job can be the one a request with this fingerprint started. */
export function matches(video: Video, fingerprint: Fingerprint): boolean {
	const source = video.remixed_from_video_id ?? null;
	return (
		video.prompt === fingerprint.prompt &&
		fits(fingerprint.model, video.model) &&
		fits(fingerprint.size, video.size) &&
		(fingerprint.seconds === undefined || video.seconds === null || fingerprint.seconds.includes(video.seconds)) &&
		// A new video shows no source; a remix or an edit shows its own, where the server says.
		(fingerprint.source === null ? source === null : fits(fingerprint.source, source))
	);
}

/** JSON with sorted keys, so the same body always hashes the same. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const object = value as IDataObject;
		return `{${Object.keys(object)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonical(object[key])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** A hash of everything a job-creating request sends: uploaded files by their bytes, not their names. */
export async function digestOf(job: JobRequest): Promise<string> {
	const hash = createHash('sha256');
	hash.update(`${job.kind}\n${job.sourceId ?? ''}\n`);
	if (job.body instanceof FormData) {
		for (const [name, value] of job.body.entries()) {
			hash.update(`${JSON.stringify(name)}=`);
			if (typeof value === 'string') hash.update(`text:${value}`);
			else hash.update('file:').update(new Uint8Array(await value.arrayBuffer()));
			hash.update('\n');
		}
	} else {
		hash.update(canonical(job.body));
	}
	return hash.digest('hex');
}
