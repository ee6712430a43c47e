// Event channels: the API the rest of the hypervisor uses (the EVTCHNOP_*
// hypercalls sit on top of it). Source: Xen public/event_channel.h.
//
// Ports are per-domain; the 2-level ABI (shared_info evtchn_pending /
// evtchn_mask bitmaps, vcpu_info evtchn_pending_sel) is the default; a guest
// switches to the FIFO ABI (per-vCPU queues, up to 131072 ports) with
// EVTCHNOP_init_control and back with EVTCHNOP_reset (docs/event-channels.md).
#pragma once

#include <cstdint>

#include "abi/xen/xen.hpp"
#include "common/domain.hpp"
#include "lib/base/result.hpp"

namespace cxen {

using EvtchnPort = uint32_t;

/// Per-domain event-channel state, created with the domain.
/// Errors: -ENOMEM.
[[nodiscard]] Status evtchn_domain_init(Domain& d, uint32_t max_ports);
/// Close every port (notifying remote ends); no port can be bound after.
/// The port table stays until evtchn_domain_free(): another domain holding
/// a reference to d may still take d's event lock.
void evtchn_domain_destroy(Domain& d);
/// Free the closed port table (put_domain() of the last reference).
void evtchn_domain_free(Domain& d);

/// Raise VIRQ `virq` bound on vCPU v (per-vCPU VIRQs such as VIRQ_TIMER);
/// nothing happens if the guest has not bound it.
void send_guest_vcpu_virq(Vcpu& v, uint32_t virq);
/// Raise a global VIRQ (delivered to the vCPU it was bound on).
void send_guest_global_virq(Domain& d, uint32_t virq);

/// A port of d whose other end is the hypervisor itself (the PV console
/// until a console daemon exists): `on_send` runs when the guest sends on
/// it. Errors: -ENOSPC no free port, -ENOMEM.
[[nodiscard]] Result<EvtchnPort> evtchn_alloc_xen_port(Domain& d,
                                                       void (*on_send)(Domain& d, EvtchnPort port));
/// Notify the guest on a port allocated by evtchn_alloc_xen_port().
void evtchn_notify_from_xen(Domain& d, EvtchnPort port);

// ---- EVTCHNOP_* cores (Xen xen/common/event_channel.c); `cur` is the
// calling domain, DOMID_SELF names it. The shell in
// common/hypercall/event_channel_op.cpp copies the structs in and out.
// Privilege: a domain controls only itself (TODO(#9): a control domain and
// XSM); a foreign `dom` gives -EPERM as Xen's dummy XSM policy does.

/// EVTCHNOP_alloc_unbound: a port in a.dom that a.remote_dom may bind; a.port out.
/// Errors: -ESRCH no such domain, -EPERM not self, -ENOSPC no free port
/// up to the domain's limit, -EINVAL domain dying, -ENOMEM.
[[nodiscard]] Status evtchn_alloc_unbound(Domain& cur, evtchn_alloc_unbound_t& a);
/// EVTCHNOP_bind_interdomain: connect a new local port to b.remote_port of
/// b.remote_dom, which must be unbound and waiting for cur; b.local_port
/// out; the local port is left pending (Xen does, for lost notifications).
/// Errors: -ESRCH, -EINVAL remote port not valid/unbound/not for us, -ENOSPC.
[[nodiscard]] Status evtchn_bind_interdomain(Domain& cur, evtchn_bind_interdomain_t& b);
/// EVTCHNOP_bind_virq: b.port out. Errors: -EINVAL virq >= NR_VIRQS or a
/// global VIRQ on vCPU != 0, -ENOENT no such vCPU, -EEXIST already bound, -ENOSPC.
[[nodiscard]] Status evtchn_bind_virq(Domain& cur, evtchn_bind_virq_t& b);
/// EVTCHNOP_bind_ipi: b.port out. Errors: -ENOENT no such vCPU, -ENOSPC.
[[nodiscard]] Status evtchn_bind_ipi(Domain& cur, evtchn_bind_ipi_t& b);
/// EVTCHNOP_close (guest = true) or a hypervisor close (guest = false,
/// also closes hypervisor-consumer ports). The remote end of an
/// interdomain channel goes back to unbound. Errors: -EINVAL bad or free port,
/// a hypervisor port closed by the guest.
[[nodiscard]] Status evtchn_close(Domain& d, EvtchnPort port, bool guest);
/// EVTCHNOP_send: interdomain -> remote pending, IPI -> local pending,
/// unbound -> dropped. Errors: -EINVAL bad/free/VIRQ port.
[[nodiscard]] Status evtchn_send(Domain& d, EvtchnPort port);
/// EVTCHNOP_status. Errors: -ESRCH, -EPERM, -EINVAL port not valid.
[[nodiscard]] Status evtchn_status(Domain& cur, evtchn_status_t& s);
/// EVTCHNOP_bind_vcpu: change the notify vCPU of an unbound, interdomain
/// or global-VIRQ port. Errors: -ENOENT no such vCPU, -EINVAL otherwise.
[[nodiscard]] Status evtchn_bind_vcpu(Domain& d, EvtchnPort port, uint32_t vcpu);
/// EVTCHNOP_unmask: clear the mask; if the port is pending, deliver it.
/// A free or reserved port, or one the current ABI cannot name (>= 4096
/// after a reset from FIFO to 2-level), is ignored, as in Xen.
/// Errors: -EINVAL port not valid.
[[nodiscard]] Status evtchn_unmask(Domain& d, EvtchnPort port);
/// EVTCHNOP_reset: close every guest port of `dom` (hypervisor ports stay)
/// and return it to the 2-level ABI (Xen 4.5+).
/// Errors: -ESRCH, -EPERM, -EINVAL not self (Xen: unless paused by a
/// controller), -EAGAIN ports were bound meanwhile (the ABI stays).
/// Preemptible as Xen's: every 64 ports, if hypercall_preempt_check()
/// says work waits on this pCPU, it stops with `*preempted` set and the
/// reset marked in progress; the caller continues it with `resume` (Xen's
/// EVTCHNOP_reset_cont), which is -EBUSY when no reset is in progress; a
/// new reset while one is in progress is -EBUSY too (Xen 4.17).
[[nodiscard]] Status evtchn_reset(Domain& cur, domid_t dom, bool resume = false, bool* preempted = nullptr);

// ---- the FIFO ABI (evtchn_fifo.cpp; Xen xen/common/event_fifo.c) ----

/// EVTCHNOP_init_control: register vCPU c.vcpu's control block at
/// c.offset in guest frame c.control_gfn of d; the first call switches d to
/// the FIFO ABI with an empty event array (2-level pending bits are kept
/// and delivered once their event-array page exists). c.link_bits out
/// (EVTCHN_FIFO_LINK_BITS), set even on failure as Xen does.
/// Errors: -ENOENT no such vCPU, -EINVAL offset crosses the page or is not
/// 8-byte aligned, vCPU already has a control block, frame not the
/// domain's read-write RAM; -ENOMEM.
[[nodiscard]] Status evtchn_init_control(Domain& d, evtchn_init_control_t& c);
/// EVTCHNOP_expand_array: add guest frame a.array_gfn as the next page of
/// d's event array (1024 event words each). Events that became pending on
/// ports of that page while it was missing are delivered now.
/// Errors: -EOPNOTSUPP not FIFO, -ENOSPC the array already covers 131072
/// ports, -EINVAL frame not the domain's read-write RAM.
[[nodiscard]] Status evtchn_expand_array(Domain& d, const evtchn_expand_array_t& a);
/// EVTCHNOP_set_priority: the queue (0 highest .. 15 lowest) of the port's
/// next events. Errors: -EINVAL port not valid or priority > 15,
/// -ENOSYS 2-level ABI, -EACCES port free, reserved or the hypervisor's.
[[nodiscard]] Status evtchn_set_priority(Domain& d, const evtchn_set_priority_t& p);
/// Does d's event-channel state (a FIFO control block or event-array page)
/// live in the guest frame whose hypervisor mapping starts at `page`?
/// Such a frame must stay d's while it is in use (memory_op refuses to
/// remove it, as for a registered vcpu_info).
bool evtchn_uses_guest_frame(const Domain& d, const void* page);

/// Ports the ABI can name (4096 for 2-level, 131072 for FIFO): SCHEDOP_poll's -EINVAL bound.
uint32_t evtchn_max_ports(const Domain& d);
/// Is `port` pending in d (false for ports not valid): SCHEDOP_poll.
bool evtchn_port_is_pending(const Domain& d, EvtchnPort port);
/// Is `port` masked in d (false for ports not valid).
bool evtchn_port_is_masked(const Domain& d, EvtchnPort port);

/// Reads port `i` of a SCHEDOP_poll list (from guest memory: -EFAULT).
using EvtchnPortReader = Result<EvtchnPort> (*)(void* ctx, uint32_t i);
/// SCHEDOP_poll core (Xen's do_poll, xen/common/sched/core.c): block v
/// until one of the `nr_ports` ports is pending (masked or not), an upcall
/// is pending, or system time reaches timeout_ns (0: no timeout). Returns
/// at once, without blocking, if one is pending already; the block happens
/// when the hypercall returns. Errors: -EINVAL nr_ports > 128 or a port
/// >= evtchn_max_ports(), -EFAULT from read_port.
[[nodiscard]] Status evtchn_poll(Vcpu& v, uint32_t nr_ports, uint64_t timeout_ns,
                                 EvtchnPortReader read_port, void* ctx);

/// Is an event pending (and unmasked) for v: used to decide whether HLT
/// blocks and whether SCHEDOP_poll returns.
bool evtchn_vcpu_has_pending(const Vcpu& v);

} // namespace cxen
