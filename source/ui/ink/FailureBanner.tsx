import {Box, Text} from 'ink';
import type {ErrorView} from '../../engine/events.js';
import {formatError} from '../format-error.js';

interface FailureBannerProps {
	error: ErrorView;
	/** e.g. "Launch instance failed"; absent for failures outside a run. */
	title?: string;
	awaitingRetry: boolean;
}

/** The same lines the plain renderer prints, so a failure reads the same in a terminal and in a CI log. */
export function FailureBanner({error, title, awaitingRetry}: FailureBannerProps) {
	const [headline, ...details] = formatError(error);
	const color = error.kind === 'cancelled' ? 'yellow' : 'red';
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
			{title === undefined ? null : <Text bold>{title}</Text>}
			<Text color={color} bold>
				{headline}
			</Text>
			{details.map((line, index) => (
				<Text key={index}>{line}</Text>
			))}
			{awaitingRetry ? (
				<Box marginTop={1}>
					<Text>
						<Text bold>r</Text> retry · <Text bold>q</Text> quit
					</Text>
				</Box>
			) : null}
		</Box>
	);
}
