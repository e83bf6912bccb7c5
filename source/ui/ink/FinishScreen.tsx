import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {FinishFacts} from '../../engine/finish.js';
import {printable} from '../../text/printable.js';
import {alsoLines, day, imagesLine} from '../finish-lines.js';
import {formatDuration} from '../format-duration.js';

/** One labelled row; the labels line up, and a long value wraps under its own column. */
function Row({label, children}: {label: string; children: ReactNode}) {
	return (
		<Box>
			<Box width={16} flexShrink={0}>
				<Text dimColor>{label}</Text>
			</Box>
			<Box flexShrink={1}>
				<Text>{children}</Text>
			</Box>
		</Box>
	);
}

/**
 * The end of a successful `hoist up`: where the stack answers, its certificate, the server, how long HTTPS took,
 * and the commands of day two. The plain renderer prints the same facts as lines (finish-lines.ts).
 */
export function FinishScreen({facts}: {facts: FinishFacts}) {
	const {certificate, server} = facts;
	const width = Math.max(...facts.commands.map((entry) => entry.command.length));
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={facts.https ? 'green' : 'yellow'} paddingX={1} marginTop={1}>
			<Text bold color={facts.https ? 'green' : 'yellow'}>
				{printable(facts.url)}
				<Text color={undefined} bold={false}>
					{' '}
					answers (Caddy in front of {printable(facts.service)})
				</Text>
			</Text>
			{alsoLines(facts).map((line) => <Text key={line}>{printable(line)}</Text>)}
			{facts.redirects.length > 0 ? <Text dimColor>{printable(facts.redirects.join(', '))} redirect{facts.redirects.length === 1 ? 's' : ''} there</Text> : null}
			<Box flexDirection="column" marginTop={1}>
				{certificate ? (
					<Row label="Certificate">
						{printable(certificate.issuer)}
						{certificate.notAfter ? `, valid until ${day(certificate.notAfter)}` : ''}
					</Row>
				) : facts.noHttps && 'reason' in facts.noHttps ? (
					<Row label="No HTTPS">{printable(facts.noHttps.reason)}</Row>
				) : facts.noHttps ? (
					<Row label="Next">
						at your DNS provider, create an {facts.noHttps.record.type} record {printable(facts.noHttps.record.name)} → {facts.noHttps.record.address}
					</Row>
				) : null}
				<Row label={server.instanceId ? 'Instance' : 'Server'}>
					{server.instanceId ? `${printable(server.instanceId)} at ${printable(server.address)} (${printable(server.login)})` : `${printable(server.login)} (your own machine)`}
				</Row>
				{facts.images ? <Row label="Images">{printable(imagesLine(facts.images))}</Row> : null}
				{certificate?.staging ? <Text color="yellow">Staging: browsers will warn; set acme.staging: false and run `hoist up` for a trusted one.</Text> : null}
				{facts.httpsAfterMs === undefined ? null : <Row label="Time to HTTPS">{formatDuration(facts.httpsAfterMs)}</Row>}
				{facts.bootCommand ? <Row label="After a reboot">{printable(facts.bootCommand)} (no service manager)</Row> : null}
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<Text bold>Next</Text>
				{facts.commands.map((entry) => (
					<Text key={entry.command}>
						{'  '}
						<Text bold>{entry.command.padEnd(width)}</Text>
						{'  '}
						<Text dimColor>{entry.what}</Text>
					</Text>
				))}
			</Box>
		</Box>
	);
}
