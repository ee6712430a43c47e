// The hypercall entry of an HVM vCPU (Xen's hvm_hypercall): the CPL check,
// the arguments by the guest's mode (64-bit: RDI RSI RDX R10 R8; 32-bit:
// EBX ECX EDX ESI EDI), the continuation that re-runs the instruction with
// the rest of the work, and the hypercall page whose stubs hold the
// backend's instruction (VMMCALL under SVM).
#include "arch/x86/hvm/hvm.hpp"

#include "arch/guest_access.hpp"
#include "arch/layout.hpp"
#include "common/console/printk.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen::arch::hvm {

void write_hypercall_page(Vcpu& v, uint64_t gpa) {
    uint8_t page[page_size];
    hvm_funcs.init_hypercall_page(page);
    if (!copy_to_gpa(*v.domain, gpa, page, sizeof(page)))
        guest_log(*v.domain, LogLevel::warning, "d%u: hypercall page at bad gpa %#lx\n", v.domain->domid, gpa);
}

Exit hypercall(Vcpu& v, unsigned len) {
    advance(v, len);
    if (hvm_funcs.get_cpl(v) != 0) {
        set_guest_gpr(v, Gpr::rax, static_cast<uint64_t>(-static_cast<long>(Errno::XEN_EPERM)));
        return Exit::resume;
    }
    static constexpr unsigned args64[5] = {Gpr::rdi, Gpr::rsi, Gpr::rdx, Gpr::r10, Gpr::r8};
    static constexpr unsigned args32[5] = {Gpr::rbx, Gpr::rcx, Gpr::rdx, Gpr::rsi, Gpr::rdi};
    HypercallArgs args;
    uint64_t nr = guest_gpr(v, Gpr::rax);
    if (guest_64bit(v)) {
        for (unsigned i = 0; i < 5; ++i) args.a[i] = guest_gpr(v, args64[i]);
    } else {
        nr &= 0xffffffff;
        for (unsigned i = 0; i < 5; ++i) args.a[i] = guest_gpr(v, args32[i]) & 0xffffffff;
    }
    const long ret = do_hypercall(v, nr, args);
    if (v.hypercall_continues) {
        // Xen's hypercall_create_continuation(): run the same instruction
        // again with the rest of the work; the run loop sees the pending
        // softirqs that asked for it before the next entry.
        v.hypercall_continues = false;
        for (unsigned i = 0; i < v.continuation_nargs; ++i)
            set_guest_gpr(v, (guest_64bit(v) ? args64 : args32)[i], v.continuation_args[i]);
        set_guest_gpr(v, Gpr::rax, nr);
        hvm_funcs.set_rip(v, guest_rip(v) - len);
        return Exit::resume;
    }
    set_guest_gpr(v, Gpr::rax, guest_64bit(v) ? static_cast<uint64_t>(ret) : static_cast<uint32_t>(ret));
    return v.block_requested.load() ? Exit::reschedule : Exit::resume;
}

} // namespace cxen::arch::hvm
