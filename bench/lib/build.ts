// The children (server, consumers, microbenchmark) run plain JavaScript, not TypeScript through a
// loader: tsx's off-thread loader alone adds about 25 MB to a process's RSS, which would blur the
// peak-RSS column. Before a run, src/ and bench/ are transpiled file by file (TypeScript's
// transpileModule: no type check, the code is written for isolatedModules) into .tmp/bench-build/,
// next to a package.json named `loafer` whose exports map `loafer`, `loafer/sqs`, ... to the
// transpiled src/, so that the children import the work tree's framework by name.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const SOURCE_DIRS = ['src', 'bench'] as const;

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'results' ? [] : typescriptFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

type ExportMap = Record<string, string | Record<string, string>>;

/** The root package's exports, pointed at the transpiled sources. */
function builtExports(root: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: ExportMap };
  const exports: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const source = typeof target === 'string' ? undefined : target.source;
    if (source?.endsWith('.ts')) exports[subpath] = `${source.slice(0, -'.ts'.length)}.js`;
  }
  return exports;
}

/** Transpiles src/ and bench/ of `root` into `<root>/.tmp/bench-build/`; returns that folder. */
export function buildForChildren(root: string): string {
  const outDir = join(root, '.tmp', 'bench-build');
  rmSync(outDir, { recursive: true, force: true });
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
  };
  for (const dir of SOURCE_DIRS) {
    for (const file of typescriptFiles(join(root, dir))) {
      const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
      const target = join(outDir, `${relative(root, file).slice(0, -'.ts'.length)}.js`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, output.outputText);
    }
  }
  const manifest = { name: 'loafer', private: true, type: 'module', exports: builtExports(root) };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return outDir;
}
