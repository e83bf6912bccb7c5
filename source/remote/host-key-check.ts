import {judgeHostKey, scanHostKey} from './connect.js';
import {pinFor, pinHostKey} from './known-hosts.js';
import type {Target} from './target.js';

/**
 * Before another SSH client (the system ssh) is pointed at the target: the key it presents must be the pinned one,
 * or the one hoist.yml names (then it is pinned, so ssh finds it). Throws hoist's own explanation otherwise.
 */
export async function checkPinnedHostKey(target: Target, knownHosts: string, signal?: AbortSignal): Promise<void> {
	const keyType = target.hostKey?.trim().split(/\s+/)[0] ?? pinFor(knownHosts, target.host)?.keyType;
	const presented = await scanHostKey(target.host, target.port, {readyTimeoutMs: 10_000, ...(signal ? {signal} : {}), ...(keyType ? {keyType} : {})});
	const verdict = judgeHostKey(target, knownHosts, presented, false);
	if (verdict.kind === 'refuse') throw verdict.error;
	if (verdict.kind === 'pin') pinHostKey(knownHosts, {host: target.host, ...presented, instanceId: target.identity});
}
