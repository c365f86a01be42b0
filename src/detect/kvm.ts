// KVM truth: /dev/kvm opening is not enough. A test guest must run (probes/kvm-guest.py through the host's python3);
// a backend known not to run stock guests (kvm_pvm) is named. A probe that cannot run is "unknown", never "no".
import type { HostReader } from '../env/types.js';
import type { Cpu, Note } from '../model/facts.js';

/** How the probe is called; the version marker keeps a recording's result tied to the probe that made it. */
export const KVM_PROBE_COMMAND = 'python3';
export const KVM_PROBE_ARGS = ['-I', '-', 'ciab-kvm-guest-probe/1', '3'] as const;
/** Each guest gets 3 s inside the probe (SIGALRM); the process as a whole is killed after this. */
export const KVM_PROBE_TIMEOUT_MS = 10_000;

/** Modules that serve /dev/kvm, most specific first; the first whose /sys/module folder exists is the backend. */
const BACKENDS = ['kvm_pvm', 'kvm_intel', 'kvm_amd', 'kvm_hv', 'kvm_arm'] as const;

/** Backends that open and create VMs but do not run stock guest kernels, and why. */
const NOT_FOR_STOCK_GUESTS: Readonly<Record<string, string>> = {
  kvm_pvm: 'kvm_pvm, a paravirtual nested backend without vmx/svm that runs only guest kernels built for PVM',
};

const KVM_EXIT_NAMES: Readonly<Record<number, string>> = {
  2: 'an I/O exit',
  8: 'a shutdown (triple fault)',
  9: 'a failed VM entry',
  17: 'an internal KVM error',
};

export interface GuestProbeResult {
  runs: boolean;
  realMode: GuestRun;
  longMode: GuestRun;
}
interface GuestRun {
  runs: boolean;
  stage: string;
  exitReason: number | null;
  detail: string;
}

/** The probe's one JSON line, or null when its output is not that. */
export function parseGuestProbe(stdout: string): GuestProbeResult | null {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return null;
  }
  const isRun = (v: unknown): v is GuestRun =>
    typeof v === 'object' && v !== null && typeof (v as GuestRun).runs === 'boolean' && typeof (v as GuestRun).detail === 'string';
  const d = data as Partial<GuestProbeResult> | null;
  if (!d || typeof d.runs !== 'boolean' || !isRun(d.realMode) || !isRun(d.longMode)) return null;
  return { runs: d.runs, realMode: d.realMode, longMode: d.longMode };
}

function describeRun(mode: string, run: GuestRun): string {
  if (run.runs) return `${mode} ran to hlt`;
  const exit = run.exitReason !== null && KVM_EXIT_NAMES[run.exitReason] ? ` (${KVM_EXIT_NAMES[run.exitReason]})` : '';
  return `${mode} failed at ${run.stage}: ${run.detail}${exit}`;
}

/** What the guest probe says, as the facts' guest field plus the verdict. */
function readProbe(result: { exitCode: number; stdout: string; stderr: string; notFound: boolean; timedOut: boolean }): {
  runs: boolean | null;
  detail: string;
  failure?: string | null;
} {
  if (result.notFound) {
    return { runs: null, detail: `the KVM guest probe did not run: ${result.stderr.trim() || 'python3 is not installed'}` };
  }
  if (result.timedOut) return { runs: null, detail: `the KVM guest probe was killed after ${KVM_PROBE_TIMEOUT_MS / 1000} s` };
  const parsed = result.exitCode === 0 ? parseGuestProbe(result.stdout) : null;
  if (!parsed) {
    const why = result.stderr.trim().split('\n').at(-1) ?? '';
    return { runs: null, detail: `the KVM guest probe ended with exit code ${result.exitCode} and no verdict${why ? ` (${why.slice(0, 160)})` : ''}` };
  }
  const failed = !parsed.realMode.runs ? ['the real-mode guest', parsed.realMode] as const : ['the long-mode guest (what a stock kernel does first)', parsed.longMode] as const;
  const exit = failed[1].exitReason !== null ? KVM_EXIT_NAMES[failed[1].exitReason] : undefined;
  return {
    runs: parsed.runs,
    detail: `${describeRun('a real-mode guest', parsed.realMode)}; ${describeRun('a long-mode guest doing what a stock kernel does first', parsed.longMode)}`,
    failure: parsed.runs ? null : `${failed[0]} ended in ${exit ?? failed[1].detail} at ${failed[1].stage}`,
  };
}

export async function detectKvm(
  reader: HostReader,
  notes: Note[],
  cpuFlags: ReadonlySet<string>,
  probeScript: string | null,
): Promise<Cpu['kvm']> {
  const [present, open, ...loaded] = await Promise.all([
    reader.exists('/dev/kvm'),
    reader.canOpen('/dev/kvm', 'rw'),
    ...BACKENDS.map((m) => reader.exists(`/sys/module/${m}`)),
  ]);
  const backend = BACKENDS.find((_, i) => loaded[i]) ?? null;
  const unfit = backend ? NOT_FOR_STOCK_GUESTS[backend] : undefined;
  const none = { runs: null, detail: null };
  if (!present) {
    const reason = cpuFlags.has('vmx') || cpuFlags.has('svm')
      ? '/dev/kvm is missing although the CPU has virtualization extensions: load the kvm module or enable VT-x/AMD-V in the firmware'
      : '/dev/kvm is missing: hardware virtualization is off, absent, or not passed through to this VM';
    return { present, usable: false, reason, backend, guest: none };
  }
  if (!open.ok) return { present, usable: false, reason: `/dev/kvm exists but cannot be opened (${open.error})`, backend, guest: none };
  if (probeScript === null) {
    notes.push({ fact: 'cpu.kvm', message: 'the KVM guest probe was not run: whether guests run under KVM is unknown' });
    return {
      present,
      usable: unfit ? false : null,
      reason: unfit ? `/dev/kvm is served by ${unfit}` : '/dev/kvm opens, but no test guest was run: unknown whether guests run',
      backend,
      guest: none,
    };
  }
  const probe = readProbe(
    await reader.run(KVM_PROBE_COMMAND, KVM_PROBE_ARGS, { timeoutMs: KVM_PROBE_TIMEOUT_MS, input: probeScript }),
  );
  const guest = { runs: probe.runs, detail: probe.detail };
  if (probe.runs === true && !unfit) return { present, usable: true, reason: null, backend, guest };
  if (probe.runs === true && unfit) {
    // The tiny guests ran, yet the module is known not to boot stock kernels: trust the module, say both.
    return { present, usable: false, reason: `/dev/kvm is served by ${unfit} (the test guests ran, a stock kernel does not)`, backend, guest };
  }
  if (probe.runs === false) {
    const by = unfit ? `/dev/kvm is served by ${unfit}; ` : '';
    return { present, usable: false, reason: `${by}/dev/kvm opens, but a test guest does not run: ${probe.failure ?? probe.detail}`, backend, guest };
  }
  notes.push({ fact: 'cpu.kvm', message: `${probe.detail}: whether guests run under KVM is unknown` });
  return {
    present,
    usable: unfit ? false : null,
    reason: unfit ? `/dev/kvm is served by ${unfit}` : `/dev/kvm opens, but ${probe.detail}: unknown whether guests run`,
    backend,
    guest,
  };
}
