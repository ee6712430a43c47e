// Event channels, internal: the per-domain port table shared by the EVTCHNOP
// core (evtchn.cpp) and the delivery ABIs behind EvtchnPortOps (evtchn_2l.cpp
// now, evtchn_fifo.cpp with issue #5). Mirrors Xen's struct evtchn and
// struct evtchn_port_ops (xen/include/xen/sched.h, xen/include/xen/event.h).
//
// Locking: EvtchnDomain::lock (Xen's d->event_lock) serialises port
// allocation and every state change of the domain's ports and the vCPUs'
// virq_to_port. Evtchn::lock (Xen's per-channel lock) is also held for a
// state change, and by senders while they read the state, so a channel
// cannot be closed under a sender. Order: domain locks by ascending domid,
// then port locks by ascending (domid, port); delivery (EvtchnPortOps) only
// uses atomic bit operations on guest-shared memory and wakes vCPUs.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/lib/spinlock.hpp"

namespace cxen {

/// Xen's ECS_* channel states (xen/include/xen/sched.h); `xen` is cxen's
/// channel whose other end is the hypervisor (evtchn_alloc_xen_port()).
enum class EvtchnState : uint8_t { free, reserved, unbound, interdomain, pirq, virq, ipi, xen };

struct Evtchn {
    SpinLock lock;
    std::atomic<EvtchnState> state{EvtchnState::free};
    std::atomic<uint32_t> notify_vcpu_id{0}; ///< vCPU told when the port becomes pending
    EvtchnPort port = 0;
    Domid unbound_remote = 0;     ///< unbound: who may bind
    Domain* remote_dom = nullptr; ///< interdomain: the other end
    EvtchnPort remote_port = 0;
    uint32_t virq = 0;                              ///< virq: which VIRQ
    void (*on_send)(Domain&, EvtchnPort) = nullptr; ///< xen: the hypervisor consumer
};

/// How pending and mask state reach the guest (Xen's evtchn_port_ops).
/// `v` is the port's notify vCPU; it may be null (vCPU not created).
class EvtchnPortOps {
  public:
    /// Ports the ABI can name: 4096 for 2-level on x86-64.
    virtual uint32_t max_ports() const = 0;
    /// Mark `port` pending; raise the upcall on v if it is unmasked and new.
    virtual void set_pending(Domain& d, Vcpu* v, EvtchnPort port) const = 0;
    virtual void clear_pending(Domain& d, EvtchnPort port) const = 0;
    /// Clear the mask; if the port is pending, redo the upcall step on v.
    virtual void unmask(Domain& d, Vcpu* v, EvtchnPort port) const = 0;
    virtual bool is_pending(const Domain& d, EvtchnPort port) const = 0;
    virtual bool is_masked(const Domain& d, EvtchnPort port) const = 0;

  protected:
    ~EvtchnPortOps() = default;
};

/// The 2-level ABI (evtchn_2l.cpp); Xen's xen/common/event_2l.c.
const EvtchnPortOps& evtchn_2l_ops();

constexpr uint32_t evtchns_per_bucket = 64; ///< Xen: PAGE_SIZE / sizeof(struct evtchn)
constexpr uint32_t evtchn_max_buckets = 4096 / evtchns_per_bucket; ///< enough for 2-level

struct EvtchnDomain {
    SpinLock lock;
    const EvtchnPortOps* ops = nullptr;
    uint32_t max_port = 0;                ///< highest port number allowed (inclusive)
    std::atomic<uint32_t> valid_ports{0}; ///< ports [0, valid_ports) have a bucket
    uint32_t active_ports = 0;            ///< allocated ports, port 0 included
    bool dead = false;                    ///< evtchn_domain_destroy() started
    Evtchn* buckets[evtchn_max_buckets] = {};
};

/// Wake vCPUs of d in SCHEDOP_poll on `port` (or on any port). Called on
/// every set-pending, masked or not (Xen's evtchn_check_pollers).
void evtchn_check_pollers(Domain& d, EvtchnPort port);

} // namespace cxen
