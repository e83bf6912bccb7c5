/**
 * What a step shows beyond one progress line: its sub-steps, one row per image pulled, per-service state, and
 * (the DNS step) one row per server. Each kind has a plain-line form, so the plain and JSON renderers never lose a
 * fact that the screen shows.
 */
export type StepDetail =
	| {kind: 'substep'; id: string; title: string; state: 'running' | 'done' | 'skipped' | 'failed'; note?: string}
	| {kind: 'image'; image: string; state: 'pulling' | 'pulled' | 'up-to-date' | 'failed'; note?: string}
	| {kind: 'service'; service: string; state: string; health?: 'starting' | 'healthy' | 'unhealthy'; note?: string};

/** Details with the same key describe the same thing: the newest replaces the older one on screen. */
export function detailKey(detail: StepDetail): string {
	switch (detail.kind) {
		case 'substep':
			return `substep:${detail.id}`;
		case 'image':
			return `image:${detail.image}`;
		case 'service':
			return `service:${detail.service}`;
	}
}

const substepIcons = {running: '…', done: '✔', skipped: '–', failed: '✖'} as const;

export function detailLine(detail: StepDetail): string {
	const note = detail.note ? ` — ${detail.note}` : '';
	switch (detail.kind) {
		case 'substep':
			return `${substepIcons[detail.state]} ${detail.title}${note}`;
		case 'image':
			return `image ${detail.image}: ${detail.state}${note}`;
		case 'service':
			return `service ${detail.service}: ${detail.state}${detail.health ? ` (${detail.health})` : ''}${note}`;
	}
}
