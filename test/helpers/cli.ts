// Run the built CLI as a real process, the way a user would.
import { execFile } from 'node:child_process';
import path from 'node:path';

export const CIAB = path.join(import.meta.dirname, '..', '..', 'bin', 'ciab');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCiab(args: string[], options: { env?: NodeJS.ProcessEnv; prefix?: string[]; input?: string } = {}): Promise<CliResult> {
  const [command, ...rest] = options.prefix ? [...options.prefix, process.execPath, CIAB, ...args] : [process.execPath, CIAB, ...args];
  return new Promise((resolve) => {
    const child = execFile(
      command!,
      rest,
      { env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
