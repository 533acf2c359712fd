import type { Viewer } from '$lib/server/scope';

declare global {
	namespace App {
		interface Locals {
			viewer: Viewer | null;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
