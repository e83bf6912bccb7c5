import {useEffect, useState} from 'react';

const TICK_MS = 80;

export interface Clock {
	now: number;
	tick: number;
}

/** Drives the spinner and the live elapsed time; idle while nothing runs so a finished screen stays still. */
export function useClock(active: boolean): Clock {
	const [clock, setClock] = useState<Clock>(() => ({now: Date.now(), tick: 0}));
	useEffect(() => {
		if (!active) return;
		const timer = setInterval(() => setClock(({tick}) => ({now: Date.now(), tick: tick + 1})), TICK_MS);
		return () => clearInterval(timer);
	}, [active]);
	return clock;
}
