/**
 * What must happen before the HIS's modules load; run.ts imports this module first.
 *
 * 1. The log level. The HIS reads LOG_LEVEL when its AppModule is imported (the `@Module` decorator calls
 *    `PlatformModule.forService`, which builds the pino options then), so setting it at boot time is too
 *    late: the service would log every request at info. The bench runs it at warn (BENCH_LOG_LEVEL to change).
 *
 * 2. Decorator metadata. `tsx` compiles TypeScript with esbuild, which does not emit decorator metadata
 *    (`emitDecoratorMetadata`). Without it Nest cannot inject constructor dependencies by type ("Nest can't
 *    resolve dependencies of the EncountersService (?, ...)"), and its ValidationPipe would see no DTO class
 *    behind `@Body()` and let every body through unvalidated: a different program from the one deployed. So
 *    the workspace's own code (services/ and libs/) is compiled here with TypeScript's `transpileModule` and
 *    the workspace compiler options, as the services' production build does (webpack, compiler 'tsc',
 *    transpile only). The bench's own files and node_modules stay with tsx; tsx still resolves `@hosp/*`.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const COMPILED = [resolve(ROOT, 'services') + sep, resolve(ROOT, 'libs') + sep];

type CompileHook = (
  module: NodeJS.Module & { _compile(code: string, filename: string): void },
  file: string,
) => void;

function compilerOptions(): ts.CompilerOptions {
  const file = resolve(ROOT, 'tsconfig.base.json');
  const config = ts.readConfigFile(file, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, file);
  return {
    ...parsed.options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    sourceMap: false,
    inlineSourceMap: true,
    declaration: false,
    noEmit: false,
  };
}

function install(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, CompileHook> })._extensions;
  const previous = extensions['.ts'];
  if (!previous) throw new Error('bench/his-check-in must run under tsx (no .ts loader is registered)');
  const options = compilerOptions();
  extensions['.ts'] = (module, file) => {
    if (!COMPILED.some((dir) => file.startsWith(dir)) || file.includes(`${sep}node_modules${sep}`))
      return previous(module, file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: options,
      fileName: file,
    });
    module._compile(outputText, file);
  };
}

process.env['LOG_LEVEL'] = process.env['BENCH_LOG_LEVEL'] ?? 'warn';
install();
