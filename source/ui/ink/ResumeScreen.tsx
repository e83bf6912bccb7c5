import {Box, Text} from 'ink';
import {resumeErrorLines, resumeHeadline, resumeWhen, stepList, type ResumeView} from '../resume-view.js';
import {FailureBanner} from './FailureBanner.js';

/**
 * What bare `hoist` shows when the last run failed or was interrupted: what happened (step, error, when). The
 * question that follows (resume, restart from a step, destroy) is an inquirer prompt under it, after this screen
 * has let go of the terminal. A pure function of the view, like every screen.
 */
export function ResumeScreen({view}: {view: ResumeView}) {
	const color = view.run.outcome === 'failed' ? 'red' : 'yellow';
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold>hoist</Text>
				<Text dimColor> · stack {view.stack}</Text>
			</Text>
			<Text color={color} bold>
				{resumeHeadline(view)}
			</Text>
			<Text dimColor>When: {resumeWhen(view)}</Text>
			{view.run.error ? (
				<FailureBanner error={view.run.error} awaitingRetry={false} />
			) : (
				resumeErrorLines(view).map((line, index) => <Text key={index}>{line}</Text>)
			)}
			{view.offers.some((offer) => offer.action === 'restart-from') ? <Text dimColor>Steps: {stepList(view)}</Text> : null}
		</Box>
	);
}

/**
 * The screen as an element, for a caller that loads it lazily: in the bundle a dynamic `import('react')` has no named
 * exports (react is CommonJS), so `createElement` from it was undefined and bare `hoist` failed on its resume screen.
 */
export function resumeScreen(view: ResumeView) {
	return <ResumeScreen view={view} />;
}
