/**
 * The prompt builder: the controls of a well-written video prompt as fields a no-code user can
 * fill (style, shots, dialogue, sound), composed into one structured prompt.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

const STYLES = [
	'Cinematic',
	'Photorealistic',
	'Documentary',
	'Anime',
	'3D Animation',
	'Stop Motion',
	'Claymation',
	'Watercolor',
	'Vintage Film',
	'Commercial',
	'Music Video',
];

const CAMERA_ANGLES = ['Eye Level', 'Low Angle', 'High Angle', 'Overhead', 'Close-Up', 'Medium Shot', 'Wide Shot', 'Extreme Wide Shot', 'Over the Shoulder', 'Point of View'];
const CAMERA_MOVES = ['Static', 'Slow Push-In', 'Pull-Out', 'Pan Left', 'Pan Right', 'Tilt Up', 'Tilt Down', 'Tracking', 'Dolly', 'Crane', 'Handheld', 'Orbit', 'Drone Flyover'];
const TRANSITIONS = ['Cut', 'Match Cut', 'Dissolve', 'Fade to Black', 'Whip Pan', 'None'];

const asOptions = (values: string[]) => [
	{ name: '(Not Set)', value: '' },
	...values.map((value) => ({ name: value, value: value.toLowerCase() })),
];

export const promptModeField: INodeProperties = {
	displayName: 'Prompt Mode',
	name: 'promptMode',
	type: 'options',
	default: 'text',
	options: [
		{ name: 'Write the Prompt', value: 'text' },
		{ name: 'Build From Shots', value: 'builder', description: 'Fill in style, shots, dialogue and sound; the node writes the prompt' },
	],
};

export const builderFields: INodeProperties[] = [
	{
		displayName: 'Visual Style',
		name: 'style',
		type: 'options',
		default: '',
		displayOptions: { show: { promptMode: ['builder'] } },
		options: asOptions(STYLES),
	},
	{
		displayName: 'Shots',
		name: 'shots',
		type: 'fixedCollection',
		placeholder: 'Add Shot',
		default: {},
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Shot', sortable: true },
		displayOptions: { show: { promptMode: ['builder'] } },
		description: 'The shots in order; each becomes one paragraph of the prompt',
		options: [
			{
				displayName: 'Shot',
				name: 'shot',
				values: [
					{ displayName: 'Camera Angle', name: 'angle', type: 'options', default: '', options: asOptions(CAMERA_ANGLES) },
					{ displayName: 'Camera Movement', name: 'movement', type: 'options', default: '', options: asOptions(CAMERA_MOVES) },
					{ displayName: 'Lighting', name: 'lighting', type: 'string', default: '', placeholder: 'Warm morning light through the window' },
					{ displayName: 'Subject and Action', name: 'action', type: 'string', default: '', placeholder: 'A barista pours latte art in a sunny café' },
					{ displayName: 'Transition to Next Shot', name: 'transition', type: 'options', default: '', options: asOptions(TRANSITIONS) },
				],
			},
		],
	},
	{
		displayName: 'Dialogue',
		name: 'dialogue',
		type: 'fixedCollection',
		placeholder: 'Add Line',
		default: {},
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Line', sortable: true },
		displayOptions: { show: { promptMode: ['builder'] } },
		options: [
			{
				displayName: 'Line',
				name: 'line',
				values: [
					{ displayName: 'Speaker', name: 'speaker', type: 'string', default: '', placeholder: 'Barista' },
					{ displayName: 'Line', name: 'text', type: 'string', default: '', placeholder: 'Your usual?' },
				],
			},
		],
	},
	{
		displayName: 'Sound Effects',
		name: 'soundEffects',
		type: 'string',
		default: '',
		placeholder: 'Milk steamer hiss, cups clinking',
		displayOptions: { show: { promptMode: ['builder'] } },
	},
	{
		displayName: 'Ambience',
		name: 'ambience',
		type: 'string',
		default: '',
		placeholder: 'Quiet café chatter, soft jazz',
		displayOptions: { show: { promptMode: ['builder'] } },
	},
];

const clean = (value: unknown) => String(value ?? '').trim();
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** Composes the builder fields into one prompt: style, numbered shots, dialogue, then sound. */
export function composePrompt(fields: {
	style?: string;
	shots?: IDataObject;
	dialogue?: IDataObject;
	soundEffects?: string;
	ambience?: string;
}): string {
	const parts: string[] = [];
	if (clean(fields.style)) parts.push(`Style: ${clean(fields.style)}.`);
	const shots = ((fields.shots?.shot as IDataObject[]) ?? []).filter((shot) => clean(shot.action));
	shots.forEach((shot, index) => {
		const camera = [clean(shot.angle), clean(shot.movement)].filter(Boolean).join(', ');
		const lines = [`Shot ${index + 1}: ${sentence(clean(shot.action))}`];
		if (camera) lines.push(`Camera: ${camera}.`);
		if (clean(shot.lighting)) lines.push(`Lighting: ${sentence(clean(shot.lighting))}`);
		const transition = clean(shot.transition);
		if (transition && transition !== 'none' && index < shots.length - 1) lines.push(`Transition: ${transition}.`);
		parts.push(lines.join(' '));
	});
	const lines = ((fields.dialogue?.line as IDataObject[]) ?? []).filter((line) => clean(line.text));
	if (lines.length) {
		parts.push(['Dialogue:', ...lines.map((line) => `${clean(line.speaker) || 'Narrator'}: "${clean(line.text)}"`)].join('\n'));
	}
	if (clean(fields.soundEffects)) parts.push(`Sound effects: ${sentence(clean(fields.soundEffects))}`);
	if (clean(fields.ambience)) parts.push(`Ambience: ${sentence(clean(fields.ambience))}`);
	return parts.join('\n\n');
}
