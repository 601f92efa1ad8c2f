// Lint is part of `npm test`: the module-boundary rule is how the architecture is enforced.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const boundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // Services never import each other: each scope sees itself and the shared platform/contracts.
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:enrollment', onlyDependOnLibsWithTags: ['scope:enrollment', 'scope:shared'] },
    { sourceTag: 'scope:scheduling', onlyDependOnLibsWithTags: ['scope:scheduling', 'scope:shared'] },
    { sourceTag: 'scope:clinician-liaison', onlyDependOnLibsWithTags: ['scope:clinician-liaison', 'scope:shared'] },
    { sourceTag: 'scope:outcomes', onlyDependOnLibsWithTags: ['scope:outcomes', 'scope:shared'] },
    { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
    // Layers: deciders are pure; adapters sit on the outside.
    {
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:domain', 'type:kernel'],
      bannedExternalImports: [
        '@nestjs/*',
        'typeorm',
        'pg',
        'kafkajs',
        '@kurrent/*',
        'pino',
        'pino-http',
        '@opentelemetry/*',
        'express',
      ],
    },
    { sourceTag: 'type:kernel', onlyDependOnLibsWithTags: [], bannedExternalImports: ['*'] },
    // Contracts may use the shared kernel's reference lists (it depends on nothing).
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:kernel'] },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:kernel'] },
    {
      sourceTag: 'type:application',
      onlyDependOnLibsWithTags: ['type:domain', 'type:kernel', 'type:contracts', 'type:platform'],
    },
    {
      sourceTag: 'type:read-model',
      onlyDependOnLibsWithTags: ['type:domain', 'type:kernel', 'type:contracts', 'type:platform'],
    },
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: [
        'type:domain',
        'type:kernel',
        'type:application',
        'type:read-model',
        'type:contracts',
        'type:platform',
      ],
    },
  ],
};

// Node's I/O modules are not visible to the Nx graph, so the domain's purity is also checked here.
const domainPurity = {
  files: ['libs/*/domain/**/*.ts', 'libs/shared-kernel/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', '@kurrent/*', '@opentelemetry/*', 'pino'],
            message: 'Deciders are pure: no framework or I/O in a domain library.',
          },
          {
            group: ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'crypto', 'os', 'path'],
            message: 'Deciders are pure: no Node I/O in a domain library.',
          },
        ],
      },
    ],
    'no-restricted-syntax': [
      'error',
      {
        selector: "NewExpression[callee.name='Date'][arguments.length=0]",
        message: 'Deciders take time from the command metadata, never from the clock.',
      },
      {
        selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
        message: 'Deciders take time from the command metadata, never from the clock.',
      },
      {
        selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
        message: 'Deciders are deterministic.',
      },
    ],
  },
};

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.data', '**/tmp', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/bench/**/*.ts', 'tools/**/*.ts', 'libs/platform/testing/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  domainPurity,
  { languageOptions: { parser: tseslint.parser } },
];
