import {routeUrls} from '../config/routes.js';
import type {Config} from '../config/schema.js';
import type {FinishFacts} from '../engine/finish.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import {addressType} from '../dns/readiness.js';
import {describeTarget} from '../remote/target.js';
import {qualifiedImage} from '../server/image-name.js';
import {caddyService} from '../server/overlay.js';

/** The day-two commands, as the finish screen lists them. */
const nextCommands: FinishFacts['commands'] = [
	{command: 'hoist status', what: 'what runs on the server, and what hoist created'},
	{command: 'hoist logs', what: 'the stack\'s logs (add a service name, -f to follow)'},
	{command: 'hoist ssh', what: 'a shell on the server'},
	{command: 'hoist deploy', what: 'ship new images without downtime'},
	{command: 'hoist rollback', what: 'go back to the previous release'},
	{command: 'hoist destroy', what: 'remove everything hoist created'},
];

/** What a successful `hoist up` achieved, from the journal it just wrote; undefined before the server is known. */
export function finishFacts(journal: Readonly<JournalData>, config: Config): FinishFacts | undefined {
	const target = stepOutputs(journal, 'target');
	if (!target) return undefined;
	const upload = stepOutputs(journal, 'upload');
	const dns = stepOutputs(journal, 'dns');
	const certificate = stepOutputs(journal, 'certificate');
	const issued = certificate?.status === 'issued';
	const routes = routeUrls(config.routes, issued ? {https: true} : {https: false, address: target.publicAddress});
	const facts: FinishFacts = {
		stack: config.stack,
		url: routes[0]!.url,
		https: issued,
		service: routes[0]!.service,
		routes,
		redirects: issued ? certificate.names.filter((name) => name !== config.domain) : [],
		server: {
			kind: target.kind,
			...(target.kind === 'aws' ? {instanceId: target.identity} : {}),
			address: target.publicAddress,
			login: describeTarget(target),
		},
		commands: nextCommands,
	};
	if (issued) {
		facts.certificate = {issuer: certificate.issuer ?? 'the CA', staging: certificate.staging, ...(certificate.notAfter ? {notAfter: certificate.notAfter} : {})};
		const httpsAfterMs = timeToHttps(journal);
		if (httpsAfterMs !== undefined) facts.httpsAfterMs = httpsAfterMs;
	} else {
		facts.noHttps = dns?.status === 'skipped' ? {reason: dns.reason ?? 'the DNS step was skipped'} : {record: {type: addressType(target.publicAddress), name: config.domain, address: target.publicAddress}};
	}
	const images = releasedImages(journal);
	if (images.length > 0) facts.images = images;
	if (upload?.boot === 'none') facts.bootCommand = `${upload.dir}/hoist-boot.sh start`;
	return facts;
}

/**
 * The app's images as the deploy step recorded them. A journal of an older hoist may hold a short name (`postgres:16`):
 * it is shown as Docker reads it, the name the server pulls now.
 */
function releasedImages(journal: Readonly<JournalData>): NonNullable<FinishFacts['images']> {
	const services = stepOutputs(journal, 'deploy')?.release.services ?? {};
	return Object.entries(services)
		.filter(([service]) => service !== caddyService)
		.map(([service, {image}]) => ({service, image: qualifiedImage(image)}));
}

/**
 * The run's start to the certificate step's end, both as the journal recorded them. Only when this run got the
 * certificate: a step found already done proves nothing about how long HTTPS took.
 */
function timeToHttps(journal: Readonly<JournalData>): number | undefined {
	const run = journal.runs.at(-1);
	const step = journal.steps['certificate'];
	if (!run || step?.status !== 'done' || step.reused || step.finishedAt === undefined) return undefined;
	const ms = Date.parse(step.finishedAt) - Date.parse(run.startedAt);
	return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
