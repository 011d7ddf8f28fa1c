// @ts-check
// Directus's own ESLint setup (eslint.config.js of directus/directus), applied to this repository's layout.
import eslintJs from '@eslint/js';
import eslintConfigPrettier from 'eslint-config-prettier';
import eslintPluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import typescriptEslint from 'typescript-eslint';

export default typescriptEslint.config(
	{
		languageOptions: {
			ecmaVersion: 2023,
			sourceType: 'module',
			globals: { ...globals.browser, ...globals.node },
		},
	},
	{ ignores: ['**/dist/', '**/node_modules/', 'data/', 'test-artifacts/'] },
	eslintJs.configs.recommended,
	{
		rules: {
			'padding-line-between-statements': [
				'error',
				{
					blankLine: 'always',
					prev: [
						'block',
						'block-like',
						'class',
						'export',
						'import',
						'multiline-block-like',
						'multiline-const',
						'multiline-expression',
						'multiline-let',
					],
					next: '*',
				},
				{ blankLine: 'always', prev: ['const', 'let'], next: ['block', 'block-like', 'class', 'export', 'import'] },
				{
					blankLine: 'always',
					prev: '*',
					next: ['multiline-block-like', 'multiline-const', 'multiline-expression', 'multiline-let'],
				},
				{ blankLine: 'any', prev: ['export', 'import'], next: ['export', 'import'] },
			],
			'lines-between-class-members': ['error', 'always', { exceptAfterSingleLine: true }],
			'no-nested-ternary': 'error',
			curly: ['error', 'multi-line'],
			'no-constant-binary-expression': 'error',
			'sort-imports': ['error', { ignoreCase: true, ignoreDeclarationSort: true, allowSeparatedGroups: true }],
		},
	},
	...typescriptEslint.configs.recommended,
	...eslintPluginVue.configs['flat/recommended'],
	{
		files: ['**/*.vue'],
		languageOptions: { parserOptions: { parser: typescriptEslint.parser } },
	},
	{
		files: ['**/*.{ts,vue,mjs,js}'],
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
			],
			'@typescript-eslint/ban-ts-comment': 'off',
			// Rows read with raw SQL and Directus's loosely typed hook payloads; narrowed where used.
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
	{
		files: ['**/*.vue'],
		rules: {
			'vue/block-order': ['error', { order: ['script', 'template', 'style'] }],
			'vue/padding-line-between-blocks': 'error',
			'vue/multi-word-component-names': 'off',
			'vue/require-default-prop': 'off',
			'vue/prefer-true-attribute-shorthand': 'error',
			'vue/no-unused-vars': ['error', { ignorePattern: '^_' }],
		},
	},
	{
		// Studio code (interfaces, panels, operation forms, shared Vue parts) runs in the browser: it may import
		// isomorphic src/shared modules, never src/shared/node or Node's built-ins.
		files: [
			'extensions/activity-hub/src/**/*.vue',
			'extensions/activity-hub/src/*/app.ts',
			'extensions/activity-hub/src/components/**/*.ts',
			'extensions/activity-hub/src/{timeline,timeline-panel,queue-health,channel-setup}/**/*.ts',
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/shared/node/**'], message: 'Node-only shared code; Studio code runs in the browser.' },
						{ group: ['node:*'], message: 'Studio code runs in the browser.' },
					],
				},
			],
		},
	},
	{
		// src/shared itself is isomorphic; modules that need Node live in src/shared/node.
		files: ['extensions/activity-hub/src/shared/*.ts'],
		ignores: ['extensions/activity-hub/src/shared/*.test.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['node:*', './node/**'], message: 'Move Node-only code to src/shared/node.' }] },
			],
		},
	},
	eslintConfigPrettier,
);
