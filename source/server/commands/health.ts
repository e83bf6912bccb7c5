import {bootstrapDir} from '../layout.js';
import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';

/** Where the health scheduler runs from and keeps its pid on a host without a service manager. */
export const healthScheduler = {
	script: `${bootstrapDir}/health-scheduler.sh`,
	pidfile: '/run/hoist/health-scheduler.pid',
	log: '/var/log/hoist-health.log',
} as const;

/**
 * On a host without a service manager nothing starts the health scheduler, so hoist does (the boot script too):
 * one copy, detached from the SSH session. Prints `hoist-health running` or `hoist-health started`.
 */
export function ensureHealthScheduler(): RemoteCommand {
	return {root: true, title: 'start the health scheduler', line: ensureHealthSchedulerLine()};
}

export function ensureHealthSchedulerLine(): string {
	const {script, pidfile, log} = healthScheduler;
	return [
		`pid=$(cat ${sh(pidfile)} 2>/dev/null || true)`,
		`if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo hoist-health running; else ` +
			`mkdir -p /run/hoist && HOIST_HEALTH_PIDFILE=${sh(pidfile)} HOIST_HEALTH_LOG=${sh(log)} setsid sh ${sh(script)} </dev/null >/dev/null 2>&1 & ` +
			'echo hoist-health started; fi',
	].join('; ');
}

/** The last healthcheck outputs of a container, newest last: what a failing or slow check said. */
export function healthLog(containerId: string): RemoteCommand {
	return {
		root: true,
		title: 'read the healthcheck log',
		line: sh('podman', 'inspect', '--format', '{{if .State.Health}}{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}\n{{end}}{{end}}', containerId),
	};
}
