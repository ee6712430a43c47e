// The hypercall core: one table keyed by Xen's hypercall numbers
// (public/xen.h __HYPERVISOR_*). Each entry is a thin shell that copies its
// argument struct in through the checked guest-access path, calls a core
// function, and copies results out. Unknown numbers return -ENOSYS as Xen.
#pragma once

#include <cstdint>

#include "common/domain.hpp"

namespace cxen {

/// Arguments as the guest passed them (64-bit: RDI RSI RDX R10 R8; 32-bit:
/// EBX ECX EDX ESI EDI, zero-extended).
struct HypercallArgs {
    uint64_t a[5];
};

/// A hypercall's return value for an error: -errno, as in Xen.
constexpr long err(Errno e) { return -static_cast<long>(e); }
inline long err(const Status& st) { return err(st.error()); }

/// Run hypercall `nr` for the calling vCPU; returns the guest's RAX value
/// (0 or a result, or -errno as in Xen's public/errno.h).
long do_hypercall(Vcpu& v, uint64_t nr, const HypercallArgs& args);

/// Xen's hypercall_preempt_check(): should a long hypercall stop at this
/// point and continue later? True when softirqs (timers, the scheduler) are
/// pending on this pCPU: nothing runs there until the hypercall returns.
bool hypercall_preempt_check();
/// How many elements a long hypercall handles between two preempt checks
/// (grant batches, memory_op extents, EVTCHNOP_reset's ports).
constexpr unsigned hypercall_preempt_interval = 64;

/// Xen's hypercall_create_continuation(): when the current hypercall of v
/// returns, its result is discarded and the guest re-executes the same
/// hypercall with the first `nargs` arguments replaced by `args` (those
/// argument registers rewritten, the others untouched, RAX the hypercall
/// number again, RIP back on the hypercall instruction), so that the rest
/// of a long batch runs after pending work. Transparent to the guest,
/// which sees one call.
void hypercall_create_continuation(Vcpu& v, unsigned nargs, const HypercallArgs& args);

/// The most bytes one CONSOLEIO_write reads (console_io.cpp); the rest of a
/// longer write is ignored.
constexpr uint64_t console_io_write_max = 64 * 1024;

/// Name of a hypercall ("sched_op"), or nullptr when cxen has none.
const char* hypercall_name(uint64_t nr);

// Families (one file each under common/hypercall/).
long do_xen_version(Vcpu& v, const HypercallArgs& args);
long do_console_io(Vcpu& v, const HypercallArgs& args);
long do_sched_op(Vcpu& v, const HypercallArgs& args);
long do_memory_op(Vcpu& v, const HypercallArgs& args);
long do_vcpu_op(Vcpu& v, const HypercallArgs& args);
long do_hvm_op(Vcpu& v, const HypercallArgs& args);
long do_event_channel_op(Vcpu& v, const HypercallArgs& args);
long do_grant_table_op(Vcpu& v, const HypercallArgs& args);
long do_physdev_op(Vcpu& v, const HypercallArgs& args);
long do_vm_assist(Vcpu& v, const HypercallArgs& args);
long do_set_timer_op(Vcpu& v, const HypercallArgs& args);
long do_sysctl(Vcpu& v, const HypercallArgs& args);
long do_domctl(Vcpu& v, const HypercallArgs& args);
long do_platform_op(Vcpu& v, const HypercallArgs& args);
long do_xsm_op(Vcpu& v, const HypercallArgs& args);
long do_multicall(Vcpu& v, const HypercallArgs& args);

} // namespace cxen
