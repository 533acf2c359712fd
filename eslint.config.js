import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
				extraFileExtensions: ['.svelte']
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			'no-undef': 'off',
			// The app is served at the root; goto() is used for query-string changes of one page.
			'svelte/no-navigation-without-resolve': ['error', { ignoreGoto: true }]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { parser: ts.parser, svelteConfig }
		}
	},
	{
		// A body that is not a form is the client's mistake: a 400, never a 500.
		files: ['src/routes/**/*.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "CallExpression[callee.property.name='formData']",
					message: 'Read form bodies with formDataOr400 ($lib/server/http/form).'
				}
			]
		}
	},
	{
		// The composition root is above every server module: a module names the services it uses
		// (routes pass event.locals or the App, structurally). Import cycles: `madge` in npm run lint.
		files: ['src/lib/server/**'],
		ignores: ['src/lib/server/app.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '(^|/)app(\\.[jt]s)?$',
							message:
								'src/lib/server/** must not import app.ts: take the services you use as a parameter.'
						}
					]
				}
			],
			'no-restricted-syntax': [
				'error',
				{
					selector:
						'ImportExpression[source.value=/(^|\\/)app(\\.[jt]s)?$/], TSImportType[argument.literal.value=/(^|\\/)app(\\.[jt]s)?$/]',
					message:
						'src/lib/server/** must not import app.ts: take the services you use as a parameter.'
				}
			]
		}
	},
	{
		files: ['eslint.config.js', 'svelte.config.js'],
		...ts.configs.disableTypeChecked
	}
);
