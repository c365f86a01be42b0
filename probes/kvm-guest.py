# ciab kvm-guest probe, version 1. Does a guest actually run under /dev/kvm? Opening /dev/kvm and KVM_CREATE_VM
# succeed on backends where a stock guest kernel never boots (kvm_pvm runs only kernels built for PVM; nesting can
# be broken), so this runs two tiny guests through the KVM ioctls, each ending in hlt:
#   real mode: mov ax, 0x1234; add ax, 1; hlt                       (ax must be 0x1235)
#   long mode, paging on, code at the kernel's address (0xffffffff80001000), doing what a stock x86-64 kernel's
#   head_64.S does first (rdmsr EFER; set SCE; wrmsr), then mov rax, 0x123456789a; add rax, 1; hlt
# Prints one JSON line: {"runs": bool, "realMode": RESULT, "longMode": RESULT}, RESULT = {"runs", "stage",
# "exitReason", "detail"}. Standard library only (fcntl.ioctl, mmap, ctypes): it runs with the host's python3.
# Last argument: seconds each KVM_RUN may take (default 3); ciab runs `python3 -I - ciab-kvm-guest-probe/1 3` with
# this file on stdin, the marker naming the probe version in recordings.
import ctypes, errno, fcntl, json, mmap, os, signal, struct, sys

KVM_GET_API_VERSION = 0xAE00
KVM_CREATE_VM = 0xAE01
KVM_GET_VCPU_MMAP_SIZE = 0xAE04
KVM_CREATE_VCPU = 0xAE41
KVM_SET_USER_MEMORY_REGION = 0x4020AE46
KVM_RUN = 0xAE80
KVM_GET_REGS = 0x8090AE81
KVM_SET_REGS = 0x4090AE82
KVM_GET_SREGS = 0x8138AE83
KVM_SET_SREGS = 0x4138AE84
KVM_EXIT_HLT = 5
REGS_SIZE = 144
SREGS_SIZE = 312
MEMORY_SIZE = 0x200000
CODE_AT = 0x1000
REAL_MODE_CODE = bytes([0xB8, 0x34, 0x12, 0x83, 0xC0, 0x01, 0xF4])
REAL_MODE_RESULT = 0x1235
LONG_MODE_CODE = bytes([
    0xB9, 0x80, 0x00, 0x00, 0xC0,  # mov ecx, 0xc0000080 (EFER)
    0x0F, 0x32,                    # rdmsr
    0x0F, 0xBA, 0xE8, 0x00,        # bts eax, 0 (SCE)
    0x0F, 0x30,                    # wrmsr
    0x48, 0xB8, 0x9A, 0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00,  # mov rax, 0x123456789a (64-bit only)
    0x48, 0x83, 0xC0, 0x01,        # add rax, 1
    0xF4,                          # hlt
])
LONG_MODE_RESULT = 0x123456789B
KERNEL_MAP = 0xFFFFFFFF80000000  # __START_KERNEL_map
PML4_AT, PDPT_AT, PD_AT = 0x2000, 0x3000, 0x4000


class Finding(Exception):
    def __init__(self, stage, detail, exit_reason=None):
        Exception.__init__(self, detail)
        self.stage, self.detail, self.exit_reason = stage, detail, exit_reason


def segment(selector, type_):
    # struct kvm_segment: base, limit, selector, type, present, dpl, db, s, l, g, avl, unusable, padding
    return struct.pack("=QIHBBBBBBBBBB", 0, 0xFFFFFFFF, selector, type_, 1, 0, 0, 1, 1, 1, 0, 0, 0)


def set_long_mode(sregs, memory):
    struct.pack_into("=Q", memory, PML4_AT, PDPT_AT | 0x7)
    struct.pack_into("=Q", memory, PDPT_AT, PD_AT | 0x7)
    struct.pack_into("=Q", memory, PML4_AT + 511 * 8, PDPT_AT | 0x3)
    struct.pack_into("=Q", memory, PDPT_AT + 510 * 8, PD_AT | 0x3)
    struct.pack_into("=Q", memory, PD_AT, 0x87)  # one 2 MiB page: physical 0 at 0 and at KERNEL_MAP
    sregs[0:24] = segment(1 << 3, 11)  # cs: 64-bit code
    for offset in (24, 48, 72, 96, 120):  # ds es fs gs ss
        sregs[offset:offset + 24] = segment(2 << 3, 3)
    struct.pack_into("=QQQQQQ", sregs, 224, 0x80050033, 0, PML4_AT, 0x20, 0, 0x500)  # cr0 PG|PE…, cr3, cr4 PAE, efer LME|LMA


def run_guest(kvm, long_mode, seconds):
    stage = "KVM_CREATE_VM"
    try:
        vm = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
        stage = "KVM_SET_USER_MEMORY_REGION"
        memory = mmap.mmap(-1, MEMORY_SIZE, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, mmap.PROT_READ | mmap.PROT_WRITE)
        code = LONG_MODE_CODE if long_mode else REAL_MODE_CODE
        memory[CODE_AT:CODE_AT + len(code)] = code
        address = ctypes.addressof(ctypes.c_char.from_buffer(memory))
        fcntl.ioctl(vm, KVM_SET_USER_MEMORY_REGION, struct.pack("=IIQQQ", 0, 0, 0, MEMORY_SIZE, address))
        stage = "KVM_CREATE_VCPU"
        vcpu = fcntl.ioctl(vm, KVM_CREATE_VCPU, 0)
        run = mmap.mmap(vcpu, fcntl.ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        stage = "KVM_SET_SREGS"
        sregs = bytearray(SREGS_SIZE)
        fcntl.ioctl(vcpu, KVM_GET_SREGS, sregs, True)
        if long_mode:
            set_long_mode(sregs, memory)
        else:
            struct.pack_into("=QIH", sregs, 0, 0, 0xFFFF, 0)  # cs base 0, selector 0
        fcntl.ioctl(vcpu, KVM_SET_SREGS, bytes(sregs))
        stage = "KVM_SET_REGS"
        regs = bytearray(REGS_SIZE)
        struct.pack_into("=QQ", regs, 16 * 8, (KERNEL_MAP if long_mode else 0) + CODE_AT, 0x2)  # rip, rflags
        fcntl.ioctl(vcpu, KVM_SET_REGS, bytes(regs))
        stage = "KVM_RUN"
        # SIGALRM interrupts a KVM_RUN that never returns (EINTR): a guest that hangs is a finding, not a hang.
        signal.alarm(seconds)
        try:
            fcntl.ioctl(vcpu, KVM_RUN, 0)
        except InterruptedError:
            raise Finding(stage, "the guest did not reach hlt within %d s" % seconds)
        finally:
            signal.alarm(0)
        exit_reason = struct.unpack_from("=I", run, 8)[0]
        if exit_reason != KVM_EXIT_HLT:
            raise Finding(stage, "the guest stopped with KVM exit reason %d instead of hlt (5)" % exit_reason, exit_reason)
        stage = "KVM_GET_REGS"
        fcntl.ioctl(vcpu, KVM_GET_REGS, regs, True)
        ax = struct.unpack_from("=Q", regs, 0)[0] & (0xFFFFFFFFFFFFFFFF if long_mode else 0xFFFF)
        expected = LONG_MODE_RESULT if long_mode else REAL_MODE_RESULT
        if ax != expected:
            raise Finding(stage, "the guest halted with rax=0x%x instead of 0x%x" % (ax, expected), exit_reason)
        return {"runs": True, "stage": stage, "exitReason": exit_reason, "detail": "ran to hlt"}
    except Finding as finding:
        return {"runs": False, "stage": finding.stage, "exitReason": finding.exit_reason, "detail": finding.detail}
    except OSError as error:
        name = errno.errorcode.get(error.errno, str(error.errno))
        return {"runs": False, "stage": stage, "exitReason": None, "detail": "%s failed: %s (%s)" % (stage, os.strerror(error.errno), name)}


def main():
    seconds = int(sys.argv[-1]) if len(sys.argv) > 1 and sys.argv[-1].isdigit() else 3
    signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        kvm = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
        api = fcntl.ioctl(kvm, KVM_GET_API_VERSION, 0)
    except OSError as error:
        failed = {"runs": False, "stage": "open", "exitReason": None, "detail": "/dev/kvm: %s" % os.strerror(error.errno)}
        print(json.dumps({"runs": False, "realMode": failed, "longMode": failed}))
        return
    if api != 12:
        failed = {"runs": False, "stage": "KVM_GET_API_VERSION", "exitReason": None, "detail": "KVM API %d, expected 12" % api}
        print(json.dumps({"runs": False, "realMode": failed, "longMode": failed}))
        return
    real_mode = run_guest(kvm, False, seconds)
    long_mode = run_guest(kvm, True, seconds)
    print(json.dumps({"runs": real_mode["runs"] and long_mode["runs"], "realMode": real_mode, "longMode": long_mode}))


main()
