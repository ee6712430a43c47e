// The hypervisor as the PV console backend of domains that have no
// xenconsoled to serve them (every domain until a control domain exists):
// it plays xenconsoled for the `struct xencons_interface` page at
// HVM_PARAM_CONSOLE_PFN and the event channel at HVM_PARAM_CONSOLE_EVTCHN,
// writing the guest's output to the log as "(dN) ..." (domain_console_write).
// Source: Xen public/io/console.h; tools/console/daemon/io.c (the consumer).
// Input (in[]) is not fed yet. TODO(#5): hand over to xenconsoled.
#pragma once

#include "common/domain.hpp"
#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {

/// How often the ring is drained without a notification (xenconsoled polls
/// too; a guest that forgets EVTCHNOP_send still gets its output out).
constexpr uint64_t pv_console_poll_ns = 20'000'000;

/// Serve the console ring at `gfn` of d (already RAM in d's p2m, zeroed by
/// the builder): allocate a hypervisor-backed event channel port, set
/// HVM_PARAM_CONSOLE_PFN and HVM_PARAM_CONSOLE_EVTCHN, and start polling.
/// Call on pCPU 0 (the builder). Errors: -EEXIST already set up, -ENOSPC
/// no free port, -ENOMEM; on error d's params stay 0 (no console).
[[nodiscard]] Status pv_console_init(Domain& d, Gfn gfn);
/// Drain what is left, stop, free. Called on pCPU 0 when d is destroyed,
/// after its vCPUs stopped and before its p2m is torn down. Harmless twice.
void pv_console_destroy(Domain& d);

} // namespace cxen
