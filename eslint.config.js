// Lint rules: typescript-eslint's strict type-checked set. no-floating-promises matters most in
// this codebase: a forgotten promise in an event-stream handler loses a message silently.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

// The layers of design §2, enforced: core/ depends on nothing outside it (no package, no node:
// module); api/ only on core/; each adapter (store, delivery, a provider, time) only on core/ and
// itself — never on another adapter; the emulator stands alone, the demo bot uses only the typed
// client (src/client/, on the shared wire schemas of src/contract/); only the
// composition root and the CLI see everything.
const layers = [
  { type: 'core', pattern: 'src/core' },
  // The public wire schemas (zod) of events, shared by the API and the typed client.
  { type: 'contract', pattern: 'src/contract' },
  { type: 'api', pattern: 'src/api' },
  { type: 'store', pattern: 'src/store' },
  { type: 'delivery', pattern: 'src/delivery' },
  // Shared facts of the Genesys Cloud platform (regions): any Genesys provider may use them.
  { type: 'genesys-cloud', pattern: 'src/providers/genesys-cloud' },
  { type: 'provider', pattern: 'src/providers/*', capture: ['name'] },
  { type: 'time', pattern: 'src/time' },
  { type: 'observability', pattern: 'src/observability' },
  { type: 'config', pattern: 'src/config' },
  { type: 'emulator', pattern: 'src/emulator' },
  { type: 'demo-bot', pattern: 'src/demo-bot' },
  // The typed client a bot imports (`genesys-handover/client`).
  { type: 'client', pattern: 'src/client' },
  { type: 'composition', pattern: 'src/composition' },
  { type: 'cli', pattern: 'src/cli' },
];
const may = (from, to) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: to } } } },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      'test-results/**',
      'bench/results/**',
      'dist-bench/**',
      'src/web/**/*.js',
      'src/emulator/console/**/*.js',
      'bin/**',
      'scripts/**/*.mjs',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: { 'boundaries/elements': layers },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            may('core', ['core']),
            may('api', ['api', 'core', 'observability', 'contract']),
            may('contract', ['contract', 'core']),
            // Of api/, only its request/response schemas (a rule below): pure zod, one source of truth.
            may('client', ['client', 'contract', 'core', 'api']),
            may('store', ['store', 'core']),
            may('delivery', ['delivery', 'core']),
            {
              from: { element: { type: 'provider', captured: { name: '*' } } },
              allow: { to: { element: { types: { anyOf: ['core', 'genesys-cloud'] } } } },
            },
            may('genesys-cloud', ['genesys-cloud']),
            {
              from: { element: { type: 'provider', captured: { name: '*' } } },
              allow: {
                to: { element: { type: 'provider', captured: { name: '{{ from.captured.name }}' } } },
              },
            },
            may('time', ['time', 'core']),
            may('observability', ['observability', 'core']),
            may('config', ['config', 'genesys-cloud']),
            may('emulator', ['emulator']),
            may('demo-bot', ['demo-bot', 'client']),
            may(
              'composition',
              layers.map((l) => l.type),
            ),
            may('cli', ['cli', 'composition', 'config', 'core', 'emulator', 'demo-bot', 'time']),
          ],
        },
      ],
    },
  },
  {
    // The core is pure: no package and no Node.js module (not even node:crypto) — only core files.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^[^.]', message: 'core/ imports nothing but core/ (design §2): use a port.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Time is a port in core/: use the Scheduler.' },
        { name: 'setInterval', message: 'Time is a port in core/: use the Scheduler.' },
        { name: 'setImmediate', message: 'Time is a port in core/: use the Scheduler.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Chance is a port in core/: inject a Random.' },
        { object: 'Date', property: 'now', message: 'Time is a port in core/: use the Clock.' },
      ],
    },
  },
  {
    // The typed client ships to bots: of the server it may use the pure schemas only, never the app.
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./api/(?!schemas\\.ts$)',
              message: 'The client uses only src/api/schemas.ts of the API (pure zod schemas).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests read JSON bodies of real HTTP responses; typing each one adds noise, not safety.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
    },
  },
);
