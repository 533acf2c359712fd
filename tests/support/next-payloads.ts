/**
 * `?next=` values for the sign-in redirect, shared by the unit test of safeNext and the route
 * tests: each with where a signed-in user must land (relative to the site).
 */
export const NEXT_CASES: [next: string, landing: string][] = [
	// Normalised by the URL parser into `//evil.example`.
	['/.//evil.example', '/interactions'],
	['/..//evil.example', '/interactions'],
	['/%2e//evil.example', '/interactions'],
	['/./\\evil.example', '/interactions'],
	['/.\\/evil.example', '/interactions'],
	['/a/..//evil.example', '/interactions'],
	['/a/.././/evil.example/x?y=1', '/interactions'],
	// Other hosts as they are.
	['//evil.example', '/interactions'],
	['/\\evil.example', '/interactions'],
	['/\t/evil.example', '/interactions'],
	['https://evil.example', '/interactions'],
	['evil.example', '/interactions'],
	['', '/interactions'],
	// Pages of the site, kept.
	['/wall?tenant=1', '/wall?tenant=1'],
	['/interactions?range=last7#top', '/interactions?range=last7#top'],
	['/admin/thresholds', '/admin/thresholds'],
	['/a/../admin', '/admin'],
	['/a//b', '/a//b']
];
