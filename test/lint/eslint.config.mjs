// Lint for the JavaScript of test/ and scripts/, which TypeScript never sees. n8n-node lint owns the root config
// (strict mode refuses changes to it), so this one runs beside it from `npm test`. An undefined name (a helper
// dropped from a require) otherwise only shows as a scenario failing minutes into CI, as it once did.
import globals from 'globals';

export default [
	{
		files: ['test/**/*.js', 'scripts/**/*.js'],
		languageOptions: { sourceType: 'commonjs', ecmaVersion: 2023, globals: { ...globals.node, ...globals.jest } },
		rules: { 'no-undef': 'error', 'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }] },
	},
];
