// SVM enablement. Locking: the permission maps are written once at boot;
// the host save area, host VMCB and ASID state are per-CPU.
#include "arch/x86/hvm/svm/svm.hpp"

#include "arch/layout.hpp"
#include "arch/percpu.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "lib/base/string.hpp"
#include "common/mm/xenheap.hpp"

/// Read by entry.S before VMRUN.
extern "C" {
bool svm_verw_on_entry = false;
}

namespace cxen::svm {

namespace {
using namespace x86; // MSR numbers and bits (arch/msr_index.hpp)

SvmInfo info;
paddr_t iopm;  // 12 KiB
paddr_t msrpm; // 8 KiB

struct CpuSvm {
    paddr_t hsave;
    paddr_t host_vmcb;
    uint32_t next_asid;
    uint64_t generation;
    uint32_t last_guest; ///< domid << 16 | vcpu_id of the last vCPU run here (enter_guest_context)
    bool any_guest;
};
CpuSvm cpu_svm[arch::max_cpus];

// Let the guest read and write an MSR directly: the ones the VMCB holds
// (VMLOAD/VMSAVE switch them). MSR permission map layout: APM 15.11.
void msrpm_allow(uint8_t* map, uint32_t msr) {
    uint32_t base, offset;
    if (msr < 0x2000) base = 0, offset = 0;
    else if (msr - 0xc0000000u < 0x2000) base = 0xc0000000u, offset = 0x800;
    else base = 0xc0010000u, offset = 0x1000;
    const uint32_t n = msr - base;
    map[offset + n / 4] &= static_cast<uint8_t>(~(3u << ((n % 4) * 2)));
}

Result<paddr_t> alloc_zeroed(unsigned order, int fill) {
    void* p = TRY(alloc_xenheap_pages(order));
    memset(p, fill, page_size << order);
    return arch::virt_to_maddr(p);
}
} // namespace

const SvmInfo& svm_info() { return info; }

void enter_guest_context(uint32_t id) {
    CpuSvm& c = cpu_svm[arch::this_cpu().cpu_id];
    if (c.any_guest && c.last_guest == id) return;
    if (info.ibpb) wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
    c.last_guest = id;
    c.any_guest = true;
}
paddr_t iopm_pa() { return iopm; }
paddr_t msrpm_pa() { return msrpm; }
paddr_t host_vmcb_pa() { return cpu_svm[arch::this_cpu().cpu_id].host_vmcb; }

Status svm_detect() {
    if (x86::cpuid_max_ext() < 0x8000000a || !(x86::cpuid(0x80000001).ecx & (1u << 2)))
        return Err(Errno::XEN_ENODEV);
    if (rdmsr(MSR_K8_VM_CR) & K8_VMCR_SVME_DISABLE) return Err(Errno::XEN_EPERM);
    const auto leaf = x86::cpuid(0x8000000a);
    info.features = leaf.edx;
    info.nr_asids = leaf.ebx;
    if (!(info.features & feature_npt)) return Err(Errno::XEN_ENODEV);
    iopm = TRY(alloc_zeroed(2, 0xff)); // 16 KiB block; the map uses 12 KiB
    msrpm = TRY(alloc_zeroed(1, 0xff));
    auto* map = static_cast<uint8_t*>(arch::maddr_to_virt(msrpm));
    for (uint32_t msr : {MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
                         MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP})
        msrpm_allow(map, msr);
    // Speculation barriers (docs/domains.md): IBPB is CPUID 0x80000008
    // EBX[12] on AMD (or the Intel-style 7.EDX[26]); VERW flushes the
    // buffers TSA leaks on parts that say so (0x80000021 EAX[5], VERW_CLEAR).
    info.ibpb = (x86::cpuid_max_ext() >= 0x80000008 && (x86::cpuid(0x80000008).ebx & (1u << 12))) ||
                (x86::cpuid(0).eax >= 7 && (x86::cpuid(7).edx & (1u << 26)));
    info.verw = x86::cpuid_max_ext() >= 0x80000021 && (x86::cpuid(0x80000021).eax & (1u << 5));
    svm_verw_on_entry = info.verw;
    info.available = true;
    log(LogLevel::info, "SVM: revision %u, %u ASIDs, NPT%s%s%s; barriers: RSB stuffing on exit%s%s\n",
        leaf.eax & 0xff, info.nr_asids, info.features & feature_nrips ? ", NRIP save" : "",
        info.features & feature_decode_assists ? ", decode assists" : "",
        info.features & feature_vmcb_clean ? ", VMCB clean bits" : "",
        info.ibpb ? ", IBPB on vCPU switch" : ", no IBPB (CPU lacks it)", info.verw ? ", VERW on entry" : "");
    return ok_status();
}

Status svm_cpu_init() {
    if (!info.available) return Err(Errno::XEN_ENODEV);
    CpuSvm& c = cpu_svm[arch::this_cpu().cpu_id];
    if (!c.hsave) {
        c.hsave = TRY(alloc_zeroed(0, 0));
        c.host_vmcb = TRY(alloc_zeroed(0, 0));
    }
    x86::wrmsr(x86::MSR_EFER, x86::rdmsr(x86::MSR_EFER) | EFER_SVME);
    x86::wrmsr(MSR_K8_VM_HSAVE_PA, c.hsave);
    // Capture the host's FS/GS/TR/LDTR and syscall MSRs for after #VMEXIT.
    __asm__ volatile("vmsave %%rax" ::"a"(c.host_vmcb) : "memory");
    c.next_asid = 1; // ASID 0 is the host's
    c.generation = 1;
    return ok_status();
}

uint64_t asid_generation() { return cpu_svm[arch::this_cpu().cpu_id].generation; }

uint32_t asid_alloc(uint64_t& generation, bool& flush) {
    CpuSvm& c = cpu_svm[arch::this_cpu().cpu_id];
    flush = false;
    if (c.next_asid >= info.nr_asids) { // out of ASIDs: new generation, flush all
        ++c.generation;
        c.next_asid = 1;
        flush = true;
    }
    generation = c.generation;
    return c.next_asid++;
}

} // namespace cxen::svm
