/**
 * The Alpine release line hoist installs by default: the newest line whose packages templates/bootstrap.sh was
 * checked against (aports community/podman, netavark, iptables, docker-cli-compose, containers-common; the
 * alpine-cloud-images and tiny-cloud repositories). Alpine 3.23 brings Podman 5.7.0, docker-cli-compose 2.40.3
 * (Compose v2) and netavark 1.16.1 with its iptables driver (served by the iptables package, the nft backend since
 * 3.20). Checked 2026-12-07 in aports (community/podman 5.7.0-r5 at f43ed43f, docker-cli-compose 2.40.3-r3 at
 * 905abb99, netavark 1.16.1-r0 at a82eac1a) against the v3.23 branch of pkgs.alpinelinux.org.
 * Newer lines change what bootstrap relies on: 3.24 ships Compose v5, 3.25 Podman 6 with netavark 2, whose iptables
 * driver is removed (it needs nftables). Raise this only after checking bootstrap against the new line.
 */
export const checkedAlpineRelease = '3.23';

/**
 * The oldest line hoist accepts in aws.alpineRelease: from 3.20 on, iptables is the nft backend and provides
 * ip6tables, and the community repository has Podman 5 and Compose v2 (docker-cli-compose).
 */
export const oldestAlpineRelease = '3.20';

/** aws.alpineRelease: latest opts in to the newest published line, checked or not. */
export const latestAlpineRelease = 'latest';

/** "3.9" < "3.20": release lines compare by number, part by part. */
export function compareReleaseLines(a: string, b: string): number {
	const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
	const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
	return aMajor - bMajor || aMinor - bMinor;
}

/** What the ami step says about the line it chose: the checked one, or how it differs. */
export function releaseLineNote(release: string): string {
	const line = release.split('.').slice(0, 2).join('.');
	if (line === checkedAlpineRelease) return `Alpine ${line}, the line hoist's bootstrap was checked against`;
	const relation = compareReleaseLines(line, checkedAlpineRelease) > 0 ? 'newer than' : 'older than';
	return `Alpine ${line}, ${relation} the line hoist's bootstrap was checked against (${checkedAlpineRelease})`;
}
