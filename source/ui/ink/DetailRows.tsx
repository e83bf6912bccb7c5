import {Box, Text} from 'ink';
import type {StepDetail} from '../../engine/details.js';
import {detailLine} from '../../engine/details.js';

/** How many rows fit under a running step before the list pushes everything else off screen. */
export const DETAIL_ROWS_SHOWN = 12;

const colours: Record<string, string | undefined> = {failed: 'red', unhealthy: 'red', done: 'green', pulled: 'green', healthy: 'green', 'up-to-date': 'green'};

function colourOf(detail: StepDetail): string | undefined {
	if (detail.kind === 'service') return colours[detail.health ?? detail.state];
	if (detail.kind === 'dns-server' || detail.kind === 'dns-summary') return undefined; // the DNS watcher view colours these
	return colours[detail.state];
}

/** The generic view of a step's details: one dim line per row, coloured by its state. */
export function DetailRows({details}: {details: StepDetail[]}) {
	if (details.length === 0) return null;
	const hidden = details.length - DETAIL_ROWS_SHOWN;
	return (
		<Box flexDirection="column" marginLeft={2}>
			{hidden > 0 ? <Text dimColor>{`… ${hidden} more`}</Text> : null}
			{details.slice(-DETAIL_ROWS_SHOWN).map((detail, index) => {
				const colour = colourOf(detail);
				return (
					<Text key={index} wrap="truncate-end" {...(colour ? {color: colour} : {dimColor: true})}>
						{detailLine(detail)}
					</Text>
				);
			})}
		</Box>
	);
}
