import {Box, Text} from 'ink';
import type {DetailRow} from '../../engine/details.js';

/** How many rows fit under a running step before the list pushes everything else off screen. */
export const DETAIL_ROWS_SHOWN = 12;

const colours: Record<string, string | undefined> = {failed: 'red', unhealthy: 'red', done: 'green', pulled: 'green', healthy: 'green', 'up-to-date': 'green'};

/** A row's colour from its health or state, when its data has one of the words above. */
function colourOf(detail: DetailRow): string | undefined {
	const {health, state} = detail.data as {health?: unknown; state?: unknown};
	const word = typeof health === 'string' ? health : state;
	return typeof word === 'string' ? colours[word] : undefined;
}

/** The generic view of a step's details: one dim line per row, coloured by its state. */
export function DetailRows({details}: {details: DetailRow[]}) {
	if (details.length === 0) return null;
	const hidden = details.length - DETAIL_ROWS_SHOWN;
	return (
		<Box flexDirection="column" marginLeft={2}>
			{hidden > 0 ? <Text dimColor>{`… ${hidden} more`}</Text> : null}
			{details.slice(-DETAIL_ROWS_SHOWN).map((detail, index) => {
				const colour = colourOf(detail);
				return (
					<Text key={index} wrap="truncate-end" {...(colour ? {color: colour} : {dimColor: true})}>
						{detail.line}
					</Text>
				);
			})}
		</Box>
	);
}
