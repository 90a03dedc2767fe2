/** The docs say what the model registry says: docs/models.md's table is generated from it, README's summary agrees. */
const fs = require('node:fs');
const path = require('node:path');
const { pageWithTable, DOC } = require('../../scripts/models-table');
const { KNOWN_MODELS } = require('../../dist/nodes/Sora/models');

test('docs/models.md holds the registry\'s table (regenerate with node scripts/models-table.js --write)', () => {
	const page = fs.readFileSync(DOC, 'utf8');
	expect(page).toBe(pageWithTable(page));
});

test('README\'s model summary says what the registry says of Sora', () => {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const sora = KNOWN_MODELS.find((m) => m.ids.includes('sora-2'));
	const pro = KNOWN_MODELS.find((m) => m.ids.includes('sora-2-pro'));
	const row = readme.split('\n').find((line) => line.startsWith('| Sora 2 / 2 Pro |'));
	expect(row).toContain(`| ${sora.seconds.join(', ')} |`);
	for (const size of pro.sizes.filter((s) => !sora.sizes.includes(s))) expect(row).toContain(size);
	// One duration list for Sora in the whole README: no other list of Sora durations.
	expect(readme).not.toMatch(/4\/8\/12\/16\/20/);
});
