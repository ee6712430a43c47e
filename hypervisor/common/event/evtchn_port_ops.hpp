// Event channels, internal: the per-domain port table shared by the EVTCHNOP
// core (evtchn.cpp) and the delivery ABIs behind EvtchnPortOps (evtchn_2l.cpp
// and evtchn_fifo.cpp). Mirrors Xen's struct evtchn and struct
// evtchn_port_ops (xen/include/xen/sched.h, xen/include/xen/event.h).
//
// Locking: EvtchnDomain::lock (Xen's d->event_lock) serialises port
// allocation, every state change of the domain's ports and the vCPUs'
// virq_to_port, and the choice of ABI (EVTCHNOP_init_control, _reset) and
// the FIFO event array (EVTCHNOP_expand_array). Evtchn::lock (Xen's
// per-channel lock) is also held for a state change, and by senders while
// they read the state, so a channel cannot be closed under a sender. Order:
// domain locks by ascending domid, then port locks by ascending
// (domid, port), then the FIFO queue locks (evtchn_fifo.cpp) by address.
// Every caller of an EvtchnPortOps member holds the domain lock or a port
// lock of the channel, so that switching the ABI (which takes both, see
// evtchn_reset()) cannot free state under a caller.
#pragma once

#include <atomic>
#include <cstdint>

#include "abi/xen/xen.hpp"
#include "arch/vcpu.hpp"
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
    /// FIFO: the queue priority of the next event (EVTCHNOP_set_priority).
    std::atomic<uint8_t> fifo_priority{EVTCHN_FIFO_PRIORITY_DEFAULT};
    /// FIFO: set while pending but its event word is not in the event
    /// array yet; delivered when EVTCHNOP_expand_array adds the page.
    std::atomic<bool> fifo_pending{false};
    std::atomic<uint32_t> notify_vcpu_id{0}; ///< vCPU told when the port becomes pending
    /// FIFO: the queue the port was last linked on, (vcpu_id << 8) | priority
    /// (Xen's fifo_lastq).
    std::atomic<uint32_t> fifo_lastq{0};
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
    /// Ports the ABI can name: 4096 for 2-level on x86-64, 131072 for FIFO.
    virtual uint32_t max_ports() const = 0;
    /// A port was just bound (Xen's evtchn_port_init): FIFO resets its priority.
    virtual void init(Domain&, Evtchn&) const {}
    /// Mark `port` pending; raise the upcall on v if it is unmasked and new.
    virtual void set_pending(Domain& d, Vcpu* v, EvtchnPort port) const = 0;
    virtual void clear_pending(Domain& d, EvtchnPort port) const = 0;
    /// Clear the mask; if the port is pending, redo the upcall step on v.
    virtual void unmask(Domain& d, Vcpu* v, EvtchnPort port) const = 0;
    virtual bool is_pending(const Domain& d, EvtchnPort port) const = 0;
    virtual bool is_masked(const Domain& d, EvtchnPort port) const = 0;
    /// A free port the guest has not finished with (FIFO: still LINKED on a
    /// queue) may not be handed out again.
    virtual bool is_busy(const Domain&, EvtchnPort) const { return false; }
    /// EVTCHNOP_set_priority on a bound port. 2-level: -ENOSYS.
    [[nodiscard]] virtual Status set_priority(Domain&, Evtchn&, uint32_t) const {
        return Err(Errno::XEN_ENOSYS);
    }

  protected:
    ~EvtchnPortOps() = default;
};

/// The 2-level ABI (evtchn_2l.cpp); Xen's xen/common/event_2l.c.
const EvtchnPortOps& evtchn_2l_ops();
/// The FIFO ABI (evtchn_fifo.cpp); Xen's xen/common/event_fifo.c.
const EvtchnPortOps& evtchn_fifo_ops();

/// Xen's vcpu_mark_events_pending(): set evtchn_upcall_pending and, if it
/// was clear, have the arch deliver the upcall. Both ABIs end here.
inline void evtchn_mark_events_pending(Vcpu& v) {
    if (!v.vcpu_info) return; // no vcpu_info: the guest can only poll
    if (__atomic_exchange_n(&v.vcpu_info->evtchn_upcall_pending, uint8_t{1}, __ATOMIC_SEQ_CST))
        return;
    arch::vcpu_pend_upcall(v);
}

// The port table is two-level, as Xen's: groups of buckets of ports, both
// allocated on first use, so a domain pays for the ports it has used, and
// the fixed part is a few pointers even for FIFO's 131072 ports.
constexpr uint32_t evtchns_per_bucket = 64;        ///< Xen: EVTCHNS_PER_BUCKET
constexpr uint32_t evtchn_buckets_per_group = 512; ///< a page of bucket pointers
constexpr uint32_t evtchn_ports_per_group = evtchns_per_bucket * evtchn_buckets_per_group;
constexpr uint32_t evtchn_nr_channels_max = EVTCHN_FIFO_NR_CHANNELS; ///< the larger ABI
constexpr uint32_t evtchn_max_groups =
    (evtchn_nr_channels_max + evtchn_ports_per_group - 1) / evtchn_ports_per_group;

struct EvtchnFifoDomain; // evtchn_fifo.cpp

struct EvtchnDomain {
    SpinLock lock;
    /// The domain's ABI: 2-level until EVTCHNOP_init_control, again after
    /// EVTCHNOP_reset. Changed with the domain lock and every port lock taken.
    std::atomic<const EvtchnPortOps*> ops{nullptr};
    EvtchnFifoDomain* fifo = nullptr;     ///< FIFO state, while the FIFO ABI is on
    uint32_t max_port = 0;                ///< the domain's limit (Xen's max_evtchn_port)
    std::atomic<uint32_t> valid_ports{0}; ///< ports [0, valid_ports) have a bucket
    uint32_t active_ports = 0;            ///< allocated ports, port 0 included
    uint32_t xen_ports = 0;               ///< of which hypervisor-consumer ports
    uint32_t first_free = 0;              ///< every port below it is in use (a search hint)
    bool dead = false;                    ///< evtchn_domain_destroy() started
    bool reset_in_progress = false;       ///< a preempted EVTCHNOP_reset awaits EVTCHNOP_reset_cont
    Evtchn** groups[evtchn_max_groups] = {};

    const EvtchnPortOps& port_ops() const { return *ops.load(std::memory_order_acquire); }
};

/// The channel of a valid port (port < valid_ports, read with acquire).
inline Evtchn& evtchn_from_port(const EvtchnDomain& e, EvtchnPort port) {
    return e.groups[port / evtchn_ports_per_group][(port / evtchns_per_bucket) % evtchn_buckets_per_group]
                   [port % evtchns_per_bucket];
}

inline bool evtchn_port_is_valid(const EvtchnDomain& e, EvtchnPort port) {
    return port < e.valid_ports.load(std::memory_order_acquire);
}

inline Vcpu* evtchn_domain_vcpu(Domain& d, uint32_t id) {
    return id < d.max_vcpus ? d.vcpus[id] : nullptr;
}

/// Wake vCPUs of d in SCHEDOP_poll on `port` (or on any port). Called on
/// every set-pending, masked or not (Xen's evtchn_check_pollers).
void evtchn_check_pollers(Domain& d, EvtchnPort port);

/// Free the FIFO state of d (evtchn_fifo.cpp); the ABI must already be
/// 2-level again, or the domain dead. Domain lock held.
void evtchn_fifo_destroy(EvtchnDomain& e);

} // namespace cxen
