/** The oldest Caddy that reads `{file.*}` placeholders (caddyserver/caddy#5463, in 2.8.0), which every route needs. */
export const oldestCaddy = {major: 2, minor: 8} as const;

/** "v2.11.2 h1:…" or "2.6.2" → its major and minor version; undefined for what is not a version. */
export function parseCaddyVersion(output: string): {major: number; minor: number; version: string} | undefined {
	const match = /^v?(\d+)\.(\d+)(\.\d+)?\S*/.exec(output.trim());
	return match ? {major: Number(match[1]), minor: Number(match[2]), version: match[0]} : undefined;
}

export function servesUpstreamFiles(version: {major: number; minor: number}): boolean {
	return version.major > oldestCaddy.major || (version.major === oldestCaddy.major && version.minor >= oldestCaddy.minor);
}
