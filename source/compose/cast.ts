/**
 * After interpolation every value that held a variable is a string, but the schema wants numbers and booleans
 * in some places (`published: ${PORT}`). Compose converts strings at these places (compose-go's
 * interpolateTypeCastMapping; docker-compose 1.x's conversion map) before validating. This is the part of that
 * list whose schema type does not already accept a string; a string that does not convert is left for the
 * schema check to report.
 */
const integerPaths = [
	'services.*.ports.*.target',
	'services.*.ports.*.published',
	'services.*.configs.*.mode',
	'services.*.secrets.*.mode',
	'services.*.cpu_count',
	'services.*.cpu_percent',
	'services.*.healthcheck.retries',
	'services.*.mem_swappiness',
	'services.*.oom_score_adj',
	'services.*.scale',
	'services.*.ulimits.*',
	'services.*.ulimits.*.hard',
	'services.*.ulimits.*.soft',
	'services.*.deploy.replicas',
	'services.*.deploy.update_config.parallelism',
	'services.*.deploy.rollback_config.parallelism',
	'services.*.deploy.restart_policy.max_attempts',
	'services.*.deploy.placement.max_replicas_per_node',
].map((path) => path.split('.'));

const booleanPaths = [
	'services.*.init',
	'services.*.privileged',
	'services.*.read_only',
	'services.*.stdin_open',
	'services.*.tty',
	'services.*.oom_kill_disable',
	'services.*.healthcheck.disable',
	'services.*.volumes.*.read_only',
	'services.*.volumes.*.bind.create_host_path',
	'services.*.volumes.*.volume.nocopy',
	'services.*.depends_on.*.required',
	'services.*.depends_on.*.restart',
	'services.*.env_file.*.required',
	'networks.*.external',
	'networks.*.internal',
	'networks.*.attachable',
	'networks.*.enable_ipv6',
	'volumes.*.external',
	'secrets.*.external',
	'configs.*.external',
].map((path) => path.split('.'));

const trueWords = new Set(['y', 'yes', 'true', 'on']);
const falseWords = new Set(['n', 'no', 'false', 'off']);

export function castTypes(data: unknown): unknown {
	const walk = (value: unknown, path: string[]): unknown => {
		if (typeof value === 'string') return cast(value, path);
		if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, String(index)]));
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
		}
		return value;
	};
	return walk(data, []);
}

function cast(value: string, path: string[]): unknown {
	if (integerPaths.some((pattern) => matches(pattern, path)) && /^[-+]?\d+$/.test(value.trim())) return Number.parseInt(value, 10);
	if (booleanPaths.some((pattern) => matches(pattern, path))) {
		const word = value.trim().toLowerCase();
		if (trueWords.has(word)) return true;
		if (falseWords.has(word)) return false;
	}
	return value;
}

function matches(pattern: string[], path: string[]): boolean {
	return pattern.length === path.length && pattern.every((segment, index) => segment === '*' || segment === path[index]);
}
