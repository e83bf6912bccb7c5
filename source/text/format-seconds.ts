/** "30 s", "5 min", "2 h": how long a TTL or a wait is, rounded the way people say it. */
export function formatSeconds(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	if (s < 120) return `${s} s`;
	if (s < 7200) return `${Math.round(s / 60)} min`;
	return `${Math.round(s / 3600)} h`;
}
