import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const viewer = locals.viewer;
	return {
		viewer:
			viewer?.kind === 'user'
				? { kind: 'user' as const, displayName: viewer.displayName, role: viewer.role }
				: viewer
					? { kind: 'wall' as const, displayName: viewer.label, role: null }
					: null
	};
};
