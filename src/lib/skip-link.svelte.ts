import { getContext, setContext } from 'svelte';

/**
 * The page's skip link: the layout draws it as the first thing Tab reaches, a page says where
 * it leads. A page with a grid sends keyboard users straight to its rows instead of through the
 * header, filters and sort buttons (37 presses on the interactions screen).
 */
export interface SkipTarget {
	label: string;
	href: string;
	/** Moves the focus itself (a virtualized grid's current row); false to let the link jump. */
	focus?: () => boolean;
}

const KEY = Symbol('skip-link');
const MAIN: SkipTarget = { label: 'Skip to main content', href: '#main' };

export class SkipLink {
	target = $state<SkipTarget>(MAIN);
}

/** In the layout: the link every page shares. */
export function provideSkipLink(): SkipLink {
	return setContext(KEY, new SkipLink());
}

/** In a page, while it initialises: point the skip link at `target` until the page goes. */
export function useSkipLink(target: SkipTarget): void {
	const link = getContext<SkipLink | undefined>(KEY);
	if (!link) return;
	$effect(() => {
		link.target = target;
		return () => (link.target = MAIN);
	});
}
