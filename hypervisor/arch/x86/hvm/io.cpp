// Port I/O and nested page faults, as the backend's exit handlers hand
// them over: Xen's debug console port, unclaimed ports (reads all ones,
// writes dropped), and the p2m's verdict on a faulting guest-physical
// address (Xen's hvm_hap_nested_page_fault).
#include "arch/x86/hvm/hvm.hpp"

#include "arch/layout.hpp"
#include "common/console/printk.hpp"
#include "common/domain.hpp"
#include "lib/base/format.hpp"

namespace cxen::arch::hvm {

void portio(Vcpu& v, uint16_t port, unsigned size, bool in) {
    if (in) {
        const uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
        const uint64_t val = port == debugcon_port ? debugcon_port : mask; // unclaimed ports read all-ones
        set_guest_gpr(v, Gpr::rax, (guest_gpr(v, Gpr::rax) & ~mask) | val);
    } else if (port == debugcon_port) {
        const char c = static_cast<char>(guest_gpr(v, Gpr::rax));
        domain_console_write(*v.domain, &c, 1);
    }
}

Exit nested_page_fault(Vcpu& v, uint64_t gpa, const NpfAccess& access) {
    // As Xen's hvm_hap_nested_page_fault(): a gfn without RAM is emulated
    // MMIO (emulate.cpp), a write to a read-only grant mapping is #GP(0)
    // in the guest; anything else is fatal.
    P2mType type;
    {
        ReadGuard g(v.domain->p2m_lock);
        type = v.domain->p2m.lookup(Gfn{gpa >> page_shift}).type;
    }
    // No RAM at that gfn: an MMIO hole (Xen's p2m_mmio_dm), completed as
    // Xen completes accesses no emulator claims.
    if (type == P2mType::invalid) return mmio_hole(v, gpa, access);
    if (access.present && access.write) {
        if (type == P2mType::grant_map_ro) {
            guest_log(*v.domain, LogLevel::debug, "d%uv%u: write to a read-only grant mapping at gpa %#lx\n", v.domain->domid,
                v.vcpu_id, gpa);
            inject_gp(v);
            return Exit::resume;
        }
    }
    char why[96];
    snprintf(why, sizeof(why), "access to gpa %#lx outside its memory (error %#lx, rip %#lx)", gpa, access.raw,
             guest_rip(v));
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}

} // namespace cxen::arch::hvm
