import {sep} from 'node:path';

/** A journal as advice names it: the file as the person finds it beside hoist.yml, and the command that writes it. */
export interface JournalOwner {
	file: string;
	command: string;
}

export const stackJournal: JournalOwner = {file: '.hoist/state.json', command: 'hoist up'};

/** `hoist rehearse` keeps a journal of its own (rehearsal/files.ts); `hoist up` never reads or repairs it. */
export const rehearsalJournal: JournalOwner = {file: '.hoist/rehearsal/state.json', command: 'hoist rehearse'};

/** Which journal `path` is: the rehearsal's or the stack's. */
export function journalOwner(path: string): JournalOwner {
	return path.endsWith(`${sep}.hoist${sep}rehearsal${sep}state.json`) ? rehearsalJournal : stackJournal;
}
