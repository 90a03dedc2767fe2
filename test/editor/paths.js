'use strict';
/** Where the editor suite keeps its run (out/editor, ignored by git) and the account npm start sets up for it. */
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'out', 'editor');

module.exports = {
	ROOT,
	OUT,
	STATE_FILE: path.join(OUT, 'state.json'),
	AUTH_FILE: path.join(OUT, 'auth.json'),
	SHOTS: path.join(OUT, 'screenshots'),
	OWNER: { email: 'editor-tests@example.com', password: 'SoraEditor123' },
};
