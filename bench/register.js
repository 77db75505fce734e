"use strict";
/**
 * `node -r ./bench/register.js bench/run.ts`: loads `.ts` files by transpiling them in memory with the
 * repository's own TypeScript (`ts.transpileModule`, the same per-file emit ts-jest uses), so the bench
 * needs no extra dependency (ts-node is not installed) and leaves no build output behind. Files keep
 * their real paths, so `__dirname` (the harness's `repoRoot`) and `require` resolution are unchanged.
 * Types are checked by `npm run typecheck`, whose tsconfig includes `bench/`.
 */
const fs = require("node:fs");
const ts = require("typescript");

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  isolatedModules: true,
  inlineSourceMap: true,
  inlineSources: true,
};

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
