import type {FinishFacts} from '../engine/finish.js';
import {printable} from '../text/printable.js';
import {formatDuration} from './format-duration.js';

/** "2026-04-01" */
export function day(iso: string): string {
	return iso.slice(0, 10);
}

/** The finish facts as plain lines, for CI logs and pipes (the Ink finish screen shows the same facts). */
export function finishLines(facts: FinishFacts): string[] {
	const lines: string[] = [];
	if (facts.certificate) {
		const until = facts.certificate.notAfter ? `, valid until ${day(facts.certificate.notAfter)}` : '';
		lines.push(`Your stack answers at ${facts.url} (Caddy in front of ${facts.service}; certificate from ${facts.certificate.issuer}${until}).`);
		lines.push(...alsoLines(facts));
		if (facts.redirects.length > 0) lines.push(`${facts.redirects.join(', ')} ${facts.redirects.length === 1 ? 'redirects' : 'redirect'} there.`);
		if (facts.certificate.staging) {
			lines.push('staging certificate: browsers will warn. Set acme.staging: false and run `hoist up` for a trusted one (only the certificate step runs again).');
		}
	} else {
		lines.push(`Your stack answers at ${facts.url} (Caddy in front of ${facts.service}).`);
		lines.push(...alsoLines(facts));
		if (facts.noHttps && 'reason' in facts.noHttps) lines.push(`No HTTPS: ${facts.noHttps.reason}.`);
		else if (facts.noHttps) lines.push(`Next: at your DNS provider, create an ${facts.noHttps.record.type} record ${facts.noHttps.record.name} → ${facts.noHttps.record.address}.`);
	}
	lines.push(serverLine(facts));
	if (facts.images) lines.push(`Images: ${imagesLine(facts.images)}`);
	if (facts.httpsAfterMs !== undefined) lines.push(`Time to HTTPS: ${formatDuration(facts.httpsAfterMs)} (from the start of this run to the certificate).`);
	if (facts.bootCommand) lines.push(`This server has no service manager: after a reboot, run ${facts.bootCommand}.`);
	const width = Math.max(...facts.commands.map((entry) => entry.command.length));
	lines.push('Next:', ...facts.commands.map((entry) => `  ${entry.command.padEnd(width)}  ${entry.what}`));
	return lines.map(printable);
}

/** The routes after the first: "  and https://admin.example.com/ (admin)". */
export function alsoLines(facts: FinishFacts): string[] {
	return facts.routes.slice(1).map((route) => `  and ${route.url} (${route.service})`);
}

/** "web ghcr.io/acme/web:1.4, db docker.io/library/postgres:16" */
export function imagesLine(images: NonNullable<FinishFacts['images']>): string {
	return images.map(({service, image}) => `${service} ${image}`).join(', ');
}

/** "Server: instance i-0abc at 44.192.0.10 (alpine@44.192.0.10)" */
export function serverLine(facts: FinishFacts): string {
	const {server} = facts;
	return server.instanceId ? `Server: instance ${server.instanceId} at ${server.address} (${server.login})` : `Server: ${server.login} (your own machine)`;
}
