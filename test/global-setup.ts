// Build dist/ (and the wizard bundle) once before the tests that run the real CLI (bin/ciab) as a process.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  const root = path.join(import.meta.dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], {
    stdio: 'inherit',
  });
  // The same wizard bundle `npm ci` builds, so terminal tests run what users run.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle-wizard.mjs')], { stdio: 'inherit' });
}
