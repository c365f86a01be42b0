#!/usr/bin/env node
// Bundle the wizard's UI libraries (ink, react, @inkjs/ui and what they import) into one file next to the
// compiled wizard, so `ciab` opens its first screen fast: unbundled, Node resolves and parses ~800 modules
// (ink alone pulls in 415 from es-toolkit/compat) — about 1.4 s here; bundled, about 0.35 s.
// Our own modules outside the wizard folder stay external: one copy of each class (errors, models) at run time.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const wizardDir = path.join(root, 'dist', 'ui', 'wizard');

// Chunks carry a content hash: drop the previous build's so stale files do not pile up.
for (const file of readdirSync(wizardDir)) if (/^run-wizard\.(bundle|.+-[\w-]+)\.js$/.test(file)) rmSync(path.join(wizardDir, file));

await build({
  input: path.join(wizardDir, 'run-wizard.js'),
  platform: 'node',
  logLevel: 'warn',
  // ink's devtools integration is optional and never loaded here.
  external: (id, importer) => (id.startsWith('../../') && importer?.startsWith(wizardDir) === true) || id === 'react-devtools-core',
  output: {
    dir: wizardDir,
    format: 'esm',
    // Smaller to read and parse on every start; stack traces of ink internals are not ours to debug.
    minify: true,
    entryFileNames: 'run-wizard.bundle.js',
    chunkFileNames: 'run-wizard.[name]-[hash].js',
  },
});
