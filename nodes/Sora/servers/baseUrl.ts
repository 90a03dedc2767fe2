/**
 * What a base URL must look like, and the sentence that says how to fix one that does not: shared by the node
 * (at run time) and the credential's test, so both say the same thing. Plain values, no imports, because the
 * credential's test can only carry expressions and strings.
 */

/** A full http(s) URL with a host and no spaces: `http://localhost:4010/v1`, `https://host/v1`. */
export const FULL_HTTP_URL = /^https?:\/\/[^/\s?#]+(?:[/?#]\S*)?$/i;

export const BASE_URL_HINT =
	'Open the Sora API credential and enter the server address with its scheme, for example https://api.example.com/v1 or http://localhost:4010/v1.';
