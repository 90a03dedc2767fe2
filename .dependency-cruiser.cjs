/**
 * The layer rules of docs/internals.md ("Code layout"), checked by dependency-cruiser in `npm test`: a file imports
 * only from its own folder and the layers below it, type-only imports included (tsPreCompilationDeps). LAYERS is
 * the order, lowest first; folders on one line are siblings and do not import from each other.
 */
const LAYERS = [
	['models'],
	['servers'],
	['api'],
	['jobs'],
	['media'],
	['descriptions'],
	['actions', 'methods', 'trigger'],
	['node'],
];

/** The path pattern of a layer: a folder under nodes/Sora/, or the node files themselves. */
const pathOf = (layer) => (layer === 'node' ? '^nodes/Sora/[^/]+\\.ts$' : `^nodes/Sora/${layer}/`);

const forbidden = LAYERS.flatMap((rank, index) =>
	rank.flatMap((layer) => {
		const above = LAYERS.slice(index + 1).flat();
		const siblings = rank.filter((other) => other !== layer);
		if (!above.length && !siblings.length) return []; // the top may import anything below it
		return {
			name: `layer-${layer}`,
			comment: `${layer}/ imports only from its own folder and the layers below it (docs/internals.md)`,
			severity: 'error',
			from: { path: pathOf(layer) },
			to: { path: [...above, ...siblings].map(pathOf) },
		};
	}),
);

module.exports = {
	forbidden: [
		...forbidden,
		{
			name: 'credentials-use-servers-only',
			comment: 'the credential may use what servers/ says of a base URL, nothing of the node',
			severity: 'error',
			from: { path: '^credentials/' },
			to: { path: '^nodes/', pathNot: '^nodes/Sora/servers/baseUrl\\.ts$' },
		},
	],
	options: {
		includeOnly: '^(nodes|credentials)/',
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
	},
};
