// Runs the project's prepare-host.yml / teardown.yml with the pinned ansible-playbook (scripts/kolla-venv.sh)
// and reads the results from ansible.posix's json callback: per task, per host, and the recap.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

export const REPO = path.join(import.meta.dirname, '..', '..');
export const PREPARE_HOST = path.join(REPO, 'ansible', 'prepare-host.yml');
export const TEARDOWN = path.join(REPO, 'ansible', 'teardown.yml');

/** Every part prepare-host.yml knows, in its order; the first five are the network helper's files. */
export const PARTS = ['hosts-file', 'kernel', 'time-sync', 'services', 'network', 'ca-certificates', 'container-engine', 'storage', 'kolla-venv', 'certs-renewal'];

let venv: string | undefined;
/** The pinned venv's bin folder (built once by scripts/kolla-venv.sh, cached outside the repo). */
export function ansibleBin(): string {
  venv ??= execFileSync('bash', [path.join(REPO, 'scripts', 'kolla-venv.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return path.join(venv, 'bin');
}

export interface TaskResult {
  task: string;
  changed: boolean;
  failed: boolean;
  skipped: boolean;
  msg: string | null;
}

export interface PlaybookRun {
  code: number;
  stdout: string;
  stderr: string;
  tasks: TaskResult[];
  stats: { ok: number; changed: number; failures: number; skipped: number; unreachable: number } | null;
  /** Every msg of a failed task (what the user would read). */
  failures: string[];
}

interface JsonHostResult {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: unknown;
  results?: JsonHostResult[];
}

function parse(stdout: string): Pick<PlaybookRun, 'tasks' | 'stats' | 'failures'> {
  const start = stdout.indexOf('{');
  if (start < 0) return { tasks: [], stats: null, failures: [] };
  const doc = JSON.parse(stdout.slice(start)) as {
    plays: Array<{ tasks: Array<{ task: { name: string }; hosts: Record<string, JsonHostResult> }> }>;
    stats: Record<string, PlaybookRun['stats']>;
  };
  const tasks: TaskResult[] = [];
  const failures: string[] = [];
  for (const play of doc.plays) {
    for (const t of play.tasks) {
      const r = t.hosts['localhost'];
      if (!r) continue;
      const msgs = [r, ...(r.results ?? [])].filter((x) => x.failed).map((x) => String(x.msg ?? ''));
      failures.push(...msgs);
      tasks.push({
        task: t.task.name,
        changed: Boolean(r.changed),
        failed: Boolean(r.failed),
        skipped: Boolean(r.skipped),
        msg: r.msg === undefined ? null : typeof r.msg === 'string' ? r.msg : JSON.stringify(r.msg),
      });
    }
  }
  return { tasks, stats: doc.stats['localhost'] ?? null, failures };
}

/** `wrapper` runs ansible-playbook through another command (e.g. `ip netns exec NS …`), which gets its argv last. */
export function runPlaybook(
  playbook: string,
  vars: Record<string, unknown>,
  options: { check?: boolean; timeoutMs?: number; wrapper?: string[] } = {},
): Promise<PlaybookRun> {
  const args = [path.join(ansibleBin(), 'ansible-playbook'), playbook, '-e', JSON.stringify(vars)];
  if (options.check) args.push('--check');
  const [command, ...commandArgs] = [...(options.wrapper ?? []), ...args];
  return new Promise((resolve) => {
    execFile(
      command!,
      commandArgs,
      {
        cwd: path.dirname(playbook),
        env: {
          ...process.env,
          ANSIBLE_STDOUT_CALLBACK: 'ansible.posix.json',
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_RETRY_FILES_ENABLED: '0',
          LVM_SUPPRESS_FD_WARNINGS: '1',
        },
        maxBuffer: 256 * 1024 * 1024,
        timeout: options.timeoutMs ?? 600_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
        let parsed: Pick<PlaybookRun, 'tasks' | 'stats' | 'failures'>;
        try {
          parsed = parse(stdout);
        } catch {
          parsed = { tasks: [], stats: null, failures: [] };
        }
        resolve({ code, stdout, stderr, ...parsed });
      },
    );
  });
}

/** A readable summary for assertion messages. */
export function describeRun(run: PlaybookRun): string {
  return `exit ${run.code}, recap ${JSON.stringify(run.stats)}, failures: ${run.failures.join(' | ') || 'none'}\n${run.stderr.slice(-2000)}`;
}

export const changedTasks = (run: PlaybookRun) => run.tasks.filter((t) => t.changed).map((t) => t.task);
