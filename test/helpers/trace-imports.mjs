// Preloaded with `node --import` by the start-up test: records every module URL the program resolves
// into the file named by $TRACE_IMPORTS_FILE (hooks run off the main thread, so a file is the channel).
import {register} from 'node:module';

const hooks = `
import {appendFileSync} from 'node:fs';
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	appendFileSync(${JSON.stringify(process.env.TRACE_IMPORTS_FILE)}, result.url + '\\n');
	return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
