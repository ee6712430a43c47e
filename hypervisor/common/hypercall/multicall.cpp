// multicall (public/xen.h: HYPERVISOR_multicall(multicall_entry_t
// call_list[], uint32_t nr_calls)), as Xen 4.17's do_multicall()
// (xen/common/multicall.c) with hvm_do_multicall_call()
// (xen/arch/x86/hvm/hypercall.c): run the hypercalls of a list in one,
// each one's return value written into its entry's `result`. libxenctrl
// issues every memory_op this way on 64-bit Linux (xc_memory_op(): the
// privcmd ioctl's int return cannot hold a long result), so the toolstack's
// populate, claim and PoD calls all arrive here.
//
// As Xen: a multicall inside a multicall is -EINVAL (as its entry's
// result); an entry the guest's memory cannot give or take back ends the
// call with -EFAULT, what ran staying done; between two entries the call
// stops for pending work (hypercall_preempt_check()) and continues from
// the next entry; an entry whose hypercall itself stops part-way (a
// continuation) gets that hypercall's new arguments written into its
// `args` and the multicall continues from it. Otherwise the guest's entry
// is left as it wrote it but for `result` (Xen's debug builds scribble
// over the rest; the guest may rely only on `result`). Entries have the
// 64-bit layout whatever the guest's mode: cxen has no compat layouts
// (docs/domains.md). Only the five arguments a hypercall takes are passed.
//
// Locking: none; Vcpu::in_multicall belongs to the running vCPU.
#include <cstddef>

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

static_assert(sizeof(multicall_entry_t) == 64 && offsetof(multicall_entry_t, result) == 8 &&
              offsetof(multicall_entry_t, args) == 16);

namespace {
/// Stop here: the guest re-executes the multicall from entry `list` with
/// `left` entries to go (Xen's "hi" continuation of call_list, nr_calls-i).
long continue_from(Vcpu& cur, uint64_t list, uint32_t left) {
    cur.in_multicall = false;
    hypercall_create_continuation(cur, 2, {{list, left, 0, 0, 0}});
    return 0;
}
} // namespace

long do_multicall(Vcpu& cur, const HypercallArgs& args) {
    uint64_t list = args.a[0];
    const auto nr_calls = static_cast<uint32_t>(args.a[1]);
    if (cur.in_multicall) return err(Errno::XEN_EINVAL); // reentry is disallowed
    cur.in_multicall = true;
    long rc = 0;
    for (uint32_t i = 0; i < nr_calls; ++i, list += sizeof(multicall_entry_t)) {
        if (i != 0 && hypercall_preempt_check()) return continue_from(cur, list, nr_calls - i);
        multicall_entry_t call;
        if (!arch::copy_from_guest(cur, list, call)) {
            rc = err(Errno::XEN_EFAULT);
            break;
        }
        const HypercallArgs sub{{call.args[0], call.args[1], call.args[2], call.args[3], call.args[4]}};
        call.result = static_cast<xen_ulong_t>(do_hypercall(cur, call.op, sub));
        const bool preempted = cur.hypercall_continues;
        cur.hypercall_continues = false; // the sub-call's continuation is the entry's, not the vCPU's
        if (!arch::copy_to_guest(cur, list + offsetof(multicall_entry_t, result), call.result)) {
            rc = err(Errno::XEN_EFAULT);
            break;
        }
        if (preempted) {
            for (unsigned k = 0; k < cur.continuation_nargs; ++k) call.args[k] = cur.continuation_args[k];
            if (!arch::copy_to_guest(cur, list, call)) {
                rc = err(Errno::XEN_EFAULT);
                break;
            }
            return continue_from(cur, list, nr_calls - i);
        }
    }
    cur.in_multicall = false;
    return rc;
}

} // namespace cxen
