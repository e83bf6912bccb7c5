import {Box, Text} from 'ink';

/** Enough to see what a step is doing or where it broke, without pushing the step list off screen. */
export const LOG_LINES_SHOWN = 6;

export function LogTail({lines}: {lines: string[]}) {
	if (lines.length === 0) return null;
	return (
		<Box flexDirection="column" borderStyle="round" borderDimColor paddingX={1}>
			{lines.slice(-LOG_LINES_SHOWN).map((line, index) => (
				// Lines repeat (progress dots, blank lines), so the position is the only stable key.
				<Text key={index} dimColor wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}
