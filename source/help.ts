/** Command names and help text: plain data, so `hoist --help` loads nothing else. */

export const commands = {
	up: 'Create the server and deploy, step by step; resumes where the last run stopped',
	status: 'Show each step, the resources hoist created and the last error',
	destroy: 'Remove everything hoist created for this stack',
	init: 'Guided setup that writes hoist.yml (coming soon)',
	dns: 'Watch DNS until the domain points at the server (coming soon)',
	deploy: 'Deploy a new image of the stack (coming soon)',
	logs: 'Show the logs of the stack\'s services (coming soon)',
	ssh: 'Open a shell on the server (coming soon)',
} as const;

export type CommandName = keyof typeof commands;

const commandHelp: Partial<Record<CommandName, string>> = {
	up: `Usage: hoist up [--from STEP] [--restart] [options]

Runs every step in order. Before each step hoist checks whether its work is already done
(on AWS and on the server, not only in the journal) and skips it if so; a run that failed or was
stopped therefore resumes at the first step that is not done.

  --from STEP   Run STEP and every step after it again, even if they look done
  --restart     Start over with a new run; the record of created resources is kept
`,
	status: `Usage: hoist status [options]

Shows what .hoist/state.json says: each step's status, the resources hoist created, the last error.
`,
	destroy: `Usage: hoist destroy [--yes] [options]

Terminates the instance, releases the Elastic IP (only if hoist allocated it), deletes the security
group and the key pair hoist imported. Resources are found by the journal and by their hoist:stack tag,
so destroy also works after a lost journal or a partial destroy.

  -y, --yes     Do not ask for confirmation (for scripts)
`,
};

const commonOptions = `Options:
  -c, --config PATH   The hoist.yml to use (default: ./hoist.yml); .hoist/ is kept beside it
      --json          One JSON event per line instead of the screen
  -h, --help          Show help
  -v, --version       Show the version
`;

export function helpText(command: CommandName | undefined): string {
	if (command !== undefined && commandHelp[command]) return `${commandHelp[command]}\n${commonOptions}`;
	const width = Math.max(...Object.keys(commands).map((name) => name.length));
	const list = Object.entries(commands)
		.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)
		.join('\n');
	return `hoist — from a docker-compose.yml and a domain to https://your-domain on your own AWS account.

Usage: hoist <command> [options]

Commands:
${list}

${commonOptions}`;
}
