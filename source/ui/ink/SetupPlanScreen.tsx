import {Box, Text} from 'ink';
import {dollars, type SetupPlan} from '../../setup/setup-plan.js';

interface SetupPlanScreenProps {
	plan: SetupPlan;
	/** Where hoist.yml was written. */
	configFile: string;
}

/** What `hoist up` will make, where, and roughly what it costs a month (an estimate, dated). */
export function SetupPlanScreen({plan, configFile}: SetupPlanScreenProps) {
	const width = Math.max(...(plan.cost?.lines ?? []).map((line) => line.what.length), 0);
	return (
		<Box flexDirection="column" borderStyle="round" paddingX={1} marginY={1}>
			<Text>
				Wrote <Text bold>{configFile}</Text>
			</Text>
			<Box marginTop={1} flexDirection="column">
				<Text bold>The plan: in {plan.where}</Text>
				{plan.creates.map((line, index) => (
					<Box key={index}>
						<Box width={4} flexShrink={0}>
							<Text>  •</Text>
						</Box>
						<Text>{line}</Text>
					</Box>
				))}
			</Box>
			{plan.cost === undefined ? (
				<Box marginTop={1}>
					<Text dimColor>Nothing is created on AWS: hoist only uses the server you named.</Text>
				</Box>
			) : (
				<Box marginTop={1} flexDirection="column">
					<Text bold>
						Rough monthly cost: about {dollars(plan.cost.total)}
						{plan.cost.complete ? '' : ' + the instance'}
					</Text>
					{plan.cost.lines.map((line, index) => (
						<Text key={index}>
							{'  '}
							{line.what.padEnd(width)}  {line.perMonth === undefined ? 'not in hoist\'s price table' : dollars(line.perMonth)}
						</Text>
					))}
					<Text dimColor>  ({plan.cost.label})</Text>
				</Box>
			)}
		</Box>
	);
}
