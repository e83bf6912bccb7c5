import {bootServiceName} from '../layout.js';
import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';

export type ServiceManager = 'openrc' | 'systemd' | 'none';

/** Where the init system looks for the stack's boot service, or undefined where there is none. */
export function bootServicePath(manager: ServiceManager, stack: string): string | undefined {
	if (manager === 'openrc') return `/etc/init.d/${bootServiceName(stack)}`;
	if (manager === 'systemd') return `/etc/systemd/system/${bootServiceName(stack)}.service`;
	return undefined;
}

/** Enables the stack's boot service (without starting it: the deploy starts the stack). */
export function enableBootService(manager: ServiceManager, stack: string): RemoteCommand | undefined {
	const name = bootServiceName(stack);
	if (manager === 'openrc') return {root: true, title: `enable ${name} at boot`, line: `rc-update add ${sh(name)} default >/dev/null`};
	if (manager === 'systemd') return {root: true, title: `enable ${name} at boot`, line: `systemctl daemon-reload && systemctl enable ${sh(name)} >/dev/null 2>&1`};
	return undefined;
}

/**
 * Without a journal hoist does not know which init system it installed the boot service for: it removes the one it
 * finds (either, or none).
 */
export function removeFoundBootService(stack: string): RemoteCommand {
	const found = (['openrc', 'systemd'] as const).map((manager) => `if [ -e ${sh(bootServicePath(manager, stack)!)} ]; then ${removeBootService(manager, stack)!.line}; fi`);
	return {root: true, title: `remove ${bootServiceName(stack)} if it is there`, line: found.join('; ')};
}

/** Disables and removes it (destroy on an existing server). */
export function removeBootService(manager: ServiceManager, stack: string): RemoteCommand | undefined {
	const name = bootServiceName(stack);
	const path = bootServicePath(manager, stack);
	if (manager === 'openrc') return {root: true, title: `remove ${name}`, line: `rc-update del ${sh(name)} default >/dev/null 2>&1; rm -f ${sh(path!)}`};
	if (manager === 'systemd') return {root: true, title: `remove ${name}`, line: `systemctl disable ${sh(name)} >/dev/null 2>&1; rm -f ${sh(path!)}; systemctl daemon-reload`};
	return undefined;
}
