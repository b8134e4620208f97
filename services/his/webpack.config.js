const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: { path: join(__dirname, '../../dist/services/his'), clean: true },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
      // `npm run typecheck` type-checks the whole workspace once; the bundle build only transpiles.
      skipTypeChecking: true,
      // The OpenAPI document at /docs describes the DTOs from their types and class-validator rules.
      transformers: [
        { name: '@nestjs/swagger/plugin', options: { classValidatorShim: true, introspectComments: true } },
      ],
    }),
  ],
};
