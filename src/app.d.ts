import type { Viewer } from '$lib/server/scope';

declare global {
	namespace App {
		interface Locals {
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
