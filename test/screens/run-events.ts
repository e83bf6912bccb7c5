import {substepRow, type DetailRow} from '../../source/engine/details.js';
import {imageRow, serviceRow} from '../../source/server/detail-rows.js';
import type {EngineEvent, ErrorView, PlannedStep} from '../../source/engine/events.js';

export const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);

export const plan: PlannedStep[] = [
	{id: 'credentials', title: 'Check AWS credentials'},
	{id: 'launch', title: 'Launch instance'},
	{id: 'ssh', title: 'Wait for SSH'},
];

export const capacityError: ErrorView = {
	kind: 'external',
	code: 'EC2_CAPACITY',
	message: 'EC2 has no t4g.small capacity in eu-west-1a.',
	hint: 'Capacity comes and goes; another zone usually has some.',
	command: 'ec2:RunInstances t4g.small',
	output: 'InsufficientInstanceCapacity: We currently do not have sufficient t4g.small capacity',
	nextSteps: [{text: 'Wait a minute and press r to retry.'}, {text: 'Set instance.zone in hoist.yml to another zone.'}],
};

/** Launch logs more lines than the screen shows, so tests can tell the tail from the rest. */
export const launchLog = Array.from({length: 8}, (_, index) => `launch log ${index + 1}`);

/** First run: credentials were already fine, the launch fails, SSH never starts. */
export function failedRun(runId = 'run-1'): EngineEvent[] {
	return [
		{type: 'run-started', at: T0, runId, command: 'up', steps: plan},
		{type: 'step-started', at: T0 + 10, stepId: 'credentials'},
		{type: 'step-done', at: T0 + 20, stepId: 'credentials', durationMs: 10, reused: true, summary: 'account 123456789012'},
		{type: 'step-started', at: T0 + 30, stepId: 'launch'},
		{type: 'step-progress', at: T0 + 40, stepId: 'launch', message: 'Requesting t4g.small', fraction: 0.25},
		...launchLog.map((line, index): EngineEvent => ({type: 'step-log', at: T0 + 50 + index, stepId: 'launch', line})),
		{type: 'step-failed', at: T0 + 2_530, stepId: 'launch', durationMs: 2_500, error: capacityError},
		{type: 'run-finished', at: T0 + 2_540, result: 'failed', error: capacityError},
	];
}

/** The retry: credentials are checked again, the launch succeeds, SSH comes up. */
export function successfulRetry(runId = 'run-1'): EngineEvent[] {
	const at = T0 + 60_000;
	return [
		{type: 'run-started', at, runId, command: 'up', steps: plan},
		{type: 'step-started', at: at + 10, stepId: 'credentials'},
		{type: 'step-done', at: at + 20, stepId: 'credentials', durationMs: 10, reused: true, summary: 'account 123456789012'},
		{type: 'step-started', at: at + 30, stepId: 'launch'},
		{type: 'step-done', at: at + 12_330, stepId: 'launch', durationMs: 12_300, reused: false, summary: 'i-0abc123'},
		{type: 'step-started', at: at + 12_340, stepId: 'ssh'},
		{type: 'step-done', at: at + 20_340, stepId: 'ssh', durationMs: 8_000, reused: false},
		{type: 'run-finished', at: at + 20_350, result: 'ok'},
	];
}

/** The events of `events` up to, not including, the first of type `type`. */
export function until(events: EngineEvent[], type: EngineEvent['type']): EngineEvent[] {
	const index = events.findIndex((event) => event.type === type);
	return index === -1 ? events : events.slice(0, index);
}

/** A deploy-like step reporting details: sub-steps, image pulls (one replaced by its newer state), a service. */
export function detailedRun(runId = 'run-1'): EngineEvent[] {
	const detail = (at: number, {line, ...value}: DetailRow): EngineEvent => ({type: 'step-detail', at, stepId: 'launch', detail: value, line});
	return [
		{type: 'run-started', at: T0, runId, command: 'up', steps: plan},
		{type: 'step-started', at: T0 + 10, stepId: 'launch'},
		detail(T0 + 20, substepRow({id: 'podman', title: 'Podman API socket', state: 'running'})),
		detail(T0 + 30, imageRow({image: 'ghcr.io/acme/web:v1', state: 'pulling'})),
		detail(T0 + 40, imageRow({image: 'ghcr.io/acme/web:v1', state: 'pulling'})),
		detail(T0 + 50, imageRow({image: 'ghcr.io/acme/web:v1', state: 'pulled', note: 'sha256:abc'})),
		detail(T0 + 60, serviceRow({service: 'db', state: 'running', health: 'starting', note: 'pg_isready: no response'})),
		detail(T0 + 70, substepRow({id: 'podman', title: 'Podman API socket', state: 'done'})),
	];
}

/** What hoist.yml or a server may put into a step's lines: an escape sequence, CR, a newline, a right-to-left override. */
export const hostileText = 'vm\u001b[2J\r\nX\u202Eevil';
/** The same text as a terminal must show it. */
export const hostileShown = 'vm\\x1b[2J\\x0d\\x0aX\\u202eevil';

/** A run whose progress, log, detail row and summary each quote `hostileText`. */
export function hostileTextRun(): EngineEvent[] {
	const {line, ...detail} = serviceRow({service: hostileText, state: 'running'});
	return [
		{type: 'run-started', at: T0, runId: 'run-1', command: 'up', steps: plan},
		{type: 'step-started', at: T0 + 10, stepId: 'launch'},
		{type: 'step-progress', at: T0 + 20, stepId: 'launch', message: `connecting to ${hostileText}`},
		{type: 'step-log', at: T0 + 30, stepId: 'launch', line: `log ${hostileText}`},
		{type: 'step-detail', at: T0 + 40, stepId: 'launch', detail, line},
		{type: 'step-done', at: T0 + 50, stepId: 'launch', durationMs: 40, reused: false, summary: `deploy@${hostileText}`},
	];
}
