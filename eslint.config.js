import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layering (DESIGN.md "One engine, three hosts"): core <- engine (src/rtc, src/engine) <- hosts
// and UI; signaling -> core only; test support (vitest) only in tests and under test/.
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
const noVitest = {
  name: 'vitest',
  message: 'Test support lives under test/ (or in *.test.ts), never in production code.',
};
const layers = [
  {
    files: ['src/core/**'],
    patterns: [
      { group: ['../*'], message: 'src/core is pure: it imports nothing else of ours.' },
      {
        group: ['webextension-polyfill', 'preact', 'preact/*'],
        message: 'src/core has no browser glue.',
      },
    ],
  },
  {
    files: ['src/rtc/**'],
    patterns: [
      {
        group: ['../*', '!../core', '!../rtc'],
        message: 'The engine (src/rtc) imports only src/core; hosts and UI import the engine.',
      },
      { group: ['webextension-polyfill'], message: 'The engine uses no extension API.' },
    ],
    // Its tests also use the fakes of our own interfaces under test/fakes.
    testPatterns: [
      {
        group: ['../*', '!../core', '!../rtc', '!../..', '../../*', '!../../test'],
        message: 'src/rtc tests import src/core, src/rtc and test/fakes only.',
      },
      { group: ['../../test/*', '!../../test/fakes'], message: 'src/rtc tests use test/fakes.' },
      { group: ['webextension-polyfill'], message: 'The engine uses no extension API.' },
    ],
  },
  {
    files: ['src/engine/**'],
    patterns: [
      {
        group: ['../*', '!../core', '!../rtc', '!../engine'],
        message:
          'The engine (src/engine) imports only src/core, src/rtc and itself; its host gives it a Platform.',
      },
      { group: ['webextension-polyfill'], message: 'The engine uses no extension API.' },
    ],
    // Its tests also use the fakes of our own interfaces under test/fakes.
    testPatterns: [
      {
        group: ['../*', '!../core', '!../rtc', '!../engine', '!../..', '../../*', '!../../test'],
        message: 'Engine tests import src/core, src/rtc, the engine and test/fakes only.',
      },
      { group: ['../../test/*', '!../../test/fakes'], message: 'Engine tests use test/fakes.' },
      { group: ['webextension-polyfill'], message: 'The engine uses no extension API.' },
    ],
  },
  {
    files: ['signaling/**'],
    patterns: [
      {
        group: ['../src/*', '!../src/core'],
        message: 'The signaling service shares only src/core with the extension.',
      },
    ],
  },
  { files: ['src/**'], ignores: ['src/core/**', 'src/rtc/**', 'src/engine/**'], patterns: [] },
];
/** Each file gets exactly one no-restricted-imports entry: later flat configs replace rules. */
const layering = layers.flatMap(({ files, ignores = [], patterns, testPatterns = patterns }) => [
  {
    files,
    ignores: [...ignores, ...TESTS],
    rules: { 'no-restricted-imports': ['error', { paths: [noVitest], patterns }] },
  },
  ...(patterns.length > 0
    ? [
        {
          files: files.flatMap((glob) => TESTS.map((test) => `${glob}/${test.slice(3)}`)),
          ignores,
          rules: { 'no-restricted-imports': ['error', { patterns: testPatterns }] },
        },
      ]
    : []),
]);

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-test/',
      'dist-firefox/',
      'dist-firefox-test/',
      'dist-web/',
      'release/',
      'node_modules/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'always'],
      // Store interfaces are async for the Redis implementation; in-memory ones need no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...layering,
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'chrome', message: 'The engine uses no extension API: ask the Platform.' },
        { name: 'browser', message: 'The engine uses no extension API: ask the Platform.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
);
