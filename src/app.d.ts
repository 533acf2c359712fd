import type { RequestServices } from '$lib/server/app';
import type { Viewer } from '$lib/server/scope';

declare global {
	namespace App {
		/** The services a request uses (set by the first handle, hooks.server.ts), and who asks. */
		interface Locals extends RequestServices {
			viewer: Viewer | null;
		}
		interface Error {
			message: string;
			/** Per-field messages for bad input, shown next to the fields. */
			errors?: Record<string, string>;
		}
	}
}

export {};
