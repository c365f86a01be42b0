// What to run after the configuration is written: ciab install runs every phase (prepare the host, prechecks,
// pull, deploy, post-deploy) and resumes where it stopped.
import path from 'node:path';

export function nextCommands(out: string): string[] {
  const stateDir = path.dirname(path.resolve(out));
  return [stateDir === '/etc/ciab' ? 'sudo ciab install' : `sudo ciab install --state-dir ${stateDir}`];
}
