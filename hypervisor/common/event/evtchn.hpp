// Event channels: the API the rest of the hypervisor uses (the EVTCHNOP_*
// hypercalls sit on top of it). Source: Xen public/event_channel.h.
//
// Ports are per-domain; the 2-level ABI (shared_info evtchn_pending /
// evtchn_mask bitmaps, vcpu_info evtchn_pending_sel) is the default, FIFO
// comes with issue #5 behind the same ops interface.
#pragma once

#include <cstdint>

#include "common/domain.hpp"
#include "common/lib/result.hpp"

namespace cxen {

using EvtchnPort = uint32_t;

/// Per-domain event-channel state, created with the domain.
/// Errors: -ENOMEM.
[[nodiscard]] Status evtchn_domain_init(Domain& d, uint32_t max_ports);
/// Close every port (notifying remote ends) and free the state.
void evtchn_domain_destroy(Domain& d);

/// Raise VIRQ `virq` bound on vCPU v (per-vCPU VIRQs such as VIRQ_TIMER);
/// nothing happens if the guest has not bound it.
void send_guest_vcpu_virq(Vcpu& v, uint32_t virq);
/// Raise a global VIRQ (delivered to the vCPU it was bound on).
void send_guest_global_virq(Domain& d, uint32_t virq);

/// A port of d whose other end is the hypervisor itself (the PV console
/// until a console daemon exists): `on_send` runs when the guest sends on
/// it. Errors: -ENOSPC no free port, -ENOMEM.
[[nodiscard]] Result<EvtchnPort> evtchn_alloc_xen_port(Domain& d, void (*on_send)(Domain& d, EvtchnPort port));
/// Notify the guest on a port allocated by evtchn_alloc_xen_port().
void evtchn_notify_from_xen(Domain& d, EvtchnPort port);

/// Is an event pending (and unmasked) for v: used to decide whether HLT
/// blocks and whether SCHEDOP_poll returns.
bool evtchn_vcpu_has_pending(const Vcpu& v);

} // namespace cxen
