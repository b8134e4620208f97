import nx from '@nx/eslint-plugin';

/**
 * Workspace lint rules. The module boundaries are the architecture (docs/architecture.md):
 * - a service never imports another service (scope tags);
 * - standards libs (HL7v2, ASTM, DICOM, FHIR, BHYT XML) import no Nest, TypeORM or Kafka;
 * - contracts depend on nothing of ours;
 * - topics come from the catalogue in libs/contracts, never from string literals.
 */
const TOPIC_LITERAL = '/^(his|lab|ris|pacs|claims|gateway)\\.[a-z0-9-]+\\.v[0-9]+/';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/.stack/**', '**/src/gen/**'] },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:standards', 'type:testing'],
            },
            {
              sourceTag: 'type:platform',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:standards', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:standards', 'type:testing'],
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            {
              sourceTag: 'type:standards',
              onlyDependOnLibsWithTags: ['type:standards'],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', '@hosp/platform-*'],
            },
            { sourceTag: 'scope:his', onlyDependOnLibsWithTags: ['scope:shared', 'scope:his'] },
            { sourceTag: 'scope:laboratory', onlyDependOnLibsWithTags: ['scope:shared', 'scope:laboratory'] },
            {
              sourceTag: 'scope:radiology-orders',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:radiology-orders'],
            },
            {
              sourceTag: 'scope:image-archive-gateway',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:image-archive-gateway'],
            },
            { sourceTag: 'scope:claims', onlyDependOnLibsWithTags: ['scope:shared', 'scope:claims'] },
            {
              sourceTag: 'scope:integration-gateway',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:integration-gateway'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${TOPIC_LITERAL}]`,
          message:
            'Topic names come from the catalogue in @hosp/contracts (Topics), never from string literals.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The test harness is for tests: production code must not reach it (libs/service-testing turns this off).
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@hosp/testing'], message: 'libs/testing is for tests only.' }] },
      ],
    },
  },
  {
    // Tests assert on values they just created; `!` there is a statement of fact, not a risk.
    files: ['**/test/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
