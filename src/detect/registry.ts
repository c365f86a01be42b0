// Which protocol a registry mirror speaks, asked on its /v2/ endpoint (the Docker registry API root).
// Any HTTP answer (200, or 401 of a registry with auth) settles it; no answer at all is unknown (null), never a
// guess: the answer's own default then stands.
import type { HostReader } from '../env/types.js';

export type RegistryScheme = 'https' | 'http';

/** The status line curl's --write-out printed: a real HTTP answer is 100-599 (000 = none). */
export function answered(stdout: string): boolean {
  const code = Number(stdout.trim());
  return Number.isInteger(code) && code >= 100 && code <= 599;
}

export async function probeRegistryScheme(host: HostReader, registry: string): Promise<RegistryScheme | null> {
  const base = registry.replace(/\/.*$/, '');
  for (const scheme of ['https', 'http'] as const) {
    const res = await host.run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `${scheme}://${base}/v2/`], { timeoutMs: 8000 });
    if (res.exitCode === 0 && answered(res.stdout)) return scheme;
    // A TLS server whose certificate this machine does not trust still speaks https (it needs a CA, not http).
    if (scheme === 'https' && res.exitCode === 60) return 'https';
  }
  return null;
}
