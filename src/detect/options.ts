// What detection is asked to do (the CLI's flags and working folder).

export interface DetectOptions {
  /** Probe the uplink (container registry reachable). Off for offline runs and tests. */
  uplink: boolean;
  /** Offer attached loop devices as candidate disks (testing on a machine without spare disks). */
  loopDevices: boolean;
  /** A path on the filesystem the installer runs from (its working folder): that disk is the installer's media. */
  installerPath: string | null;
  /** The text of probes/kvm-guest.py (read by the caller): without it whether guests run under KVM stays unknown. */
  kvmProbeScript?: string | null;
}

export const DEFAULT_DETECT_OPTIONS: DetectOptions = {
  uplink: true,
  loopDevices: false,
  installerPath: null,
  kvmProbeScript: null,
};
