import {z} from 'zod';

/**
 * What code outside a step relies on in its recorded outputs (commands, closing screens, other steps' `recorded`).
 * The journal's schema holds outputs as any JSON object, so a hand-edited or half-restored journal can pass it with
 * `target.outputs = {}`; these shapes catch that where outputs are read (engine/outputs.ts). Only the fields others
 * read are checked, and unknown fields pass: a step may record more. A step without a shape here is read as it is.
 */
const text = z.string();
const services = z.record(z.string(), z.object({image: text}).passthrough());

export const outputShapes: Readonly<Record<string, z.ZodType>> = {
	target: z.object({kind: z.enum(['aws', 'server']), host: text, port: z.number().int(), user: text, privateKeyPath: text, identity: text, publicAddress: text}).passthrough(),
	'ssh-ready': z.object({host: text, user: text}).passthrough(),
	bootstrap: z.object({compose: z.enum(['v1', 'v2']), composeCommand: z.array(text).min(1)}).passthrough(),
	compose: z.object({file: text, services, namedVolumes: z.array(text)}).passthrough(),
	upload: z.object({dir: text}).passthrough(),
	deploy: z.object({release: z.object({at: text, services}).passthrough()}).passthrough(),
	release: z.object({at: text, services}).passthrough(),
	dns: z.object({status: z.enum(['ready', 'skipped']), address: text, names: z.array(text)}).passthrough(),
	certificate: z.object({status: z.enum(['issued', 'skipped']), names: z.array(text), address: text}).passthrough(),
};
