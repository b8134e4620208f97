import baseConfig from '../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // End-to-end tests boot several services in one process, as a deployment runs them side by side: they
    // are the one place allowed to reach into more than one service (by relative path; services have no
    // import alias on purpose). Nothing imports e2e.
    files: ['**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
