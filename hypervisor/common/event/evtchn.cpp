// Event channels: the per-domain port table and the EVTCHNOP_* cores, with
// Xen's semantics (xen/common/event_channel.c, public/event_channel.h).
// Delivery goes through the domain's EvtchnPortOps (2-level, or FIFO after
// EVTCHNOP_init_control: evtchn_fifo.cpp).
//
// Locking (see evtchn_port_ops.hpp): EvtchnDomain::lock guards allocation,
// state changes and virq_to_port; Evtchn::lock is taken as well for every
// state change and by senders while they read the state. Two domains' locks
// are taken in ascending domid order, two ports' locks in ascending
// (domid, port) order, always domain locks before port locks. All are held
// with interrupts off (VIRQs are raised from timer softirqs). Delivery needs
// no lock of the receiving domain: close takes both ports' locks, so a
// sender holding its own port's lock sees a live remote end.
//
// Another domain is used only with a reference held (domain_ref_by_any_id(),
// Xen's rcu_lock_domain_by_any_id(), for a domain an op names, or
// get_domain() on a channel's remote end under our domain lock, which
// its destruction must take to close the channel): its Domain and port
// table outlive the reference, closed and dead if it was destroyed
// meanwhile. evtchn_domain_destroy() closes every port first, so connected
// channels never point at a destroyed domain. Whether the caller may act
// on a domain is the XSM hook's answer (common/xsm), asked where Xen asks.
#include "common/event/evtchn.hpp"

#include "abi/xen/xen.hpp"
#include "arch/vcpu.hpp"
#include "common/event/evtchn_port_ops.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/time/timer.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {

constexpr uint32_t nr_virqs = NR_VIRQS;
static_assert(sizeof(Vcpu::virq_to_port) / sizeof(uint32_t) == nr_virqs);
constexpr uint32_t poll_any = ~0u; ///< Vcpu::poll_port: polling several ports

// ---- the port table ----

bool port_is_valid(const EvtchnDomain& e, EvtchnPort port) {
    return evtchn_port_is_valid(e, port);
}

Evtchn& port_ref(const EvtchnDomain& e, EvtchnPort port) {
    return evtchn_from_port(e, port);
}

Vcpu* domain_vcpu(Domain& d, uint32_t id) {
    return evtchn_domain_vcpu(d, id);
}

/// The bucket (and its group) holding `port`, created on first use; `port`
/// must be the first port past valid_ports. Call with e.lock held.
Status ensure_bucket(EvtchnDomain& e, EvtchnPort port) {
    const uint32_t g = port / evtchn_ports_per_group;
    const uint32_t b = (port / evtchns_per_bucket) % evtchn_buckets_per_group;
    if (!e.groups[g]) {
        void* mem = TRY(xmalloc_bytes(sizeof(Evtchn*) * evtchn_buckets_per_group, alignof(Evtchn*)));
        memset(mem, 0, sizeof(Evtchn*) * evtchn_buckets_per_group);
        e.groups[g] = static_cast<Evtchn**>(mem);
    }
    if (e.groups[g][b]) return ok_status();
    void* mem = TRY(xmalloc_bytes(sizeof(Evtchn) * evtchns_per_bucket, alignof(Evtchn)));
    auto* bucket = static_cast<Evtchn*>(mem);
    const uint32_t first = port / evtchns_per_bucket * evtchns_per_bucket;
    for (uint32_t i = 0; i < evtchns_per_bucket; ++i) {
        new (&bucket[i]) Evtchn();
        bucket[i].port = first + i;
    }
    e.groups[g][b] = bucket;
    // Ports are handed out lowest first, so buckets fill in order; the
    // release publishes the bucket to lock-free readers of valid_ports.
    e.valid_ports.store(first + evtchns_per_bucket, std::memory_order_release);
    return ok_status();
}

/// Xen's get_free_port(): the lowest free port up to the domain's limit
/// (max_event_channels) and the ABI's, skipping ports the guest still has
/// on a FIFO queue. The port stays `free` until the caller sets its state.
/// O(1) amortised: `first_free` skips the ports in use at the bottom.
/// Call with e.lock held.
Result<EvtchnPort> get_free_port(Domain& d, EvtchnDomain& e) {
    if (e.dead || d.is_dying.load()) return Err(Errno::XEN_EINVAL);
    const EvtchnPortOps& ops = e.port_ops();
    const uint32_t limit = e.max_port < ops.max_ports() - 1 ? e.max_port : ops.max_ports() - 1;
    while (port_is_valid(e, e.first_free) && port_ref(e, e.first_free).state.load() != EvtchnState::free)
        ++e.first_free;
    for (EvtchnPort port = e.first_free; port <= limit; ++port) {
        if (!port_is_valid(e, port)) TRY(ensure_bucket(e, port));
        if (port_ref(e, port).state.load() == EvtchnState::free && !ops.is_busy(d, port)) return port;
    }
    return Err(Errno::XEN_ENOSPC);
}

/// Turn a free port into a bound one: `fill` sets its fields. Call with
/// e.lock held; takes the port's lock.
template <typename F> void bind_port(Domain& d, EvtchnDomain& e, EvtchnPort port, EvtchnState state, F fill) {
    Evtchn& chn = port_ref(e, port);
    IrqSpinGuard g(chn.lock);
    fill(chn);
    e.port_ops().init(d, chn);
    ++e.active_ports;
    if (state == EvtchnState::xen) ++e.xen_ports;
    chn.state.store(state);
}

/// Xen's evtchn_free(): back to free, pending cleared (so a re-bound port
/// starts quiet); the mask bit is the guest's and stays. Domain and port
/// lock held.
void free_port(Domain& d, EvtchnDomain& e, Evtchn& chn) {
    e.port_ops().clear_pending(d, chn.port);
    if (chn.state.load() == EvtchnState::xen) --e.xen_ports;
    chn.state.store(EvtchnState::free);
    chn.notify_vcpu_id.store(0);
    chn.remote_dom = nullptr;
    chn.on_send = nullptr;
    --e.active_ports;
    if (chn.port < e.first_free) e.first_free = chn.port;
}

/// Deliver on `chn` of d to its notify vCPU.
void set_pending(Domain& d, Evtchn& chn) {
    d.evtchn->port_ops().set_pending(d, domain_vcpu(d, chn.notify_vcpu_id.load()), chn.port);
}

/// Xen's virq_is_global(): per-vCPU VIRQs are bound on the vCPU they fire on.
bool virq_is_global(uint32_t virq) {
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true; // VIRQ_ARCH_* are global on x86 (VIRQ_MCA)
    }
}

/// Holds one domain's event lock, or two in ascending domid order.
class DomainLocks {
  public:
    DomainLocks(Domain& a, Domain* b) : first_(&a), second_(nullptr), flags_(arch::irq_save()) {
        if (b && b != &a) {
            if (b->domid < a.domid) {
                first_ = b;
                second_ = &a;
            } else {
                second_ = b;
            }
        }
        first_->evtchn->lock.lock();
        if (second_) second_->evtchn->lock.lock();
    }
    ~DomainLocks() {
        if (second_) second_->evtchn->lock.unlock();
        first_->evtchn->lock.unlock();
        arch::irq_restore(flags_);
    }
    DomainLocks(const DomainLocks&) = delete;
    DomainLocks& operator=(const DomainLocks&) = delete;

  private:
    Domain* first_;
    Domain* second_;
    unsigned long flags_;
};

/// Two ports' locks in ascending (domid, port) order (Xen's double_evtchn_lock).
class PortPairLock {
  public:
    PortPairLock(const Domain& da, Evtchn& a, const Domain& db, Evtchn& b) : a_(a), b_(b) {
        const bool a_first = da.domid < db.domid || (da.domid == db.domid && a.port <= b.port);
        if (!a_first) {
            b_.lock.lock();
            a_.lock.lock();
        } else {
            a_.lock.lock();
            if (&a != &b) b_.lock.lock();
        }
    }
    ~PortPairLock() {
        a_.lock.unlock();
        if (&a_ != &b_) b_.lock.unlock();
    }
    PortPairLock(const PortPairLock&) = delete;
    PortPairLock& operator=(const PortPairLock&) = delete;

  private:
    Evtchn& a_;
    Evtchn& b_;
};

void poll_timeout(void* data) {
    auto* v = static_cast<Vcpu*>(data);
    if (v->poll_port.exchange(0) != 0) vcpu_wake(*v);
}

} // namespace

// ---- domain lifetime ----

Status evtchn_domain_init(Domain& d, uint32_t max_ports) {
    ASSERT(!d.evtchn);
    EvtchnDomain* e = TRY(xnew<EvtchnDomain>());
    e->ops.store(&evtchn_2l_ops());
    // xl.cfg max_event_channels becomes Xen's max_evtchn_port: the highest
    // port number the domain may use; get_free_port() caps it by the ABI's.
    e->max_port = max_ports;
    if (auto st = ensure_bucket(*e, 0); !st) {
        xdelete(e);
        return st;
    }
    port_ref(*e, 0).state.store(EvtchnState::reserved); // port 0 is never handed out
    e->active_ports = 1;
    d.evtchn = e;
    return ok_status();
}

void evtchn_domain_destroy(Domain& d) {
    EvtchnDomain* e = d.evtchn;
    if (!e) return;
    {
        IrqSpinGuard g(e->lock);
        e->dead = true; // no new ports from here on
    }
    const uint32_t valid = e->valid_ports.load();
    for (EvtchnPort p = 1; p < valid; ++p)
        (void)evtchn_close(d, p, false);
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        if (Vcpu* v = d.vcpus[i]) {
            v->poll_port.store(0);
            kill_timer(v->poll_timer);
        }
    }
    IrqSpinGuard g(e->lock);
    if (e->fifo) {
        // Every port is closed: nobody delivers through the FIFO ops now.
        e->ops.store(&evtchn_2l_ops());
        evtchn_fifo_destroy(*e);
    }
}

void evtchn_domain_free(Domain& d) {
    EvtchnDomain* e = d.evtchn;
    if (!e) return;
    d.evtchn = nullptr;
    for (Evtchn** group : e->groups) {
        if (!group) continue;
        for (uint32_t b = 0; b < evtchn_buckets_per_group; ++b) {
            Evtchn* bucket = group[b];
            if (!bucket) continue;
            for (uint32_t i = 0; i < evtchns_per_bucket; ++i)
                bucket[i].~Evtchn();
            xfree(bucket);
        }
        xfree(group);
    }
    xdelete(e);
}

// ---- EVTCHNOP cores ----

Status evtchn_alloc_unbound(Domain& cur, evtchn_alloc_unbound_t& a) {
    DomainRef ref;
    TRY(domain_ref_by_any_id(cur, a.dom, ref));
    Domain* d = ref.get();
    EvtchnDomain& e = *d->evtchn;
    IrqSpinGuard g(e.lock);
    // As Xen: a port is found first (-EINVAL in a dying domain, -ENOSPC),
    // then the hook; a refused port stays free.
    const EvtchnPort port = TRY(get_free_port(*d, e));
    TRY(xsm_evtchn_unbound(XSM_TARGET, cur, *d));
    const Domid remote = a.remote_dom == DOMID_SELF ? cur.domid : a.remote_dom;
    bind_port(*d, e, port, EvtchnState::unbound, [&](Evtchn& chn) {
        chn.unbound_remote = remote;
        chn.notify_vcpu_id.store(0);
    });
    a.port = port;
    return ok_status();
}

Status evtchn_bind_interdomain(Domain& cur, evtchn_bind_interdomain_t& b) {
    Domain& ld = cur;
    DomainRef remote; // held until we return: the remote may be destroyed meanwhile
    TRY(domain_ref_by_any_id(cur, b.remote_dom, remote));
    Domain* rd = remote.get();
    if (!rd->evtchn) return Err(Errno::XEN_ESRCH);
    const EvtchnPort rport = b.remote_port;
    DomainLocks locks(ld, rd);
    EvtchnDomain& le = *ld.evtchn;
    EvtchnDomain& re = *rd->evtchn;
    const EvtchnPort lport = TRY(get_free_port(ld, le));
    if (!port_is_valid(re, rport)) return Err(Errno::XEN_EINVAL);
    Evtchn& rchn = port_ref(re, rport);
    if (rchn.state.load() != EvtchnState::unbound || rchn.unbound_remote != ld.domid)
        return Err(Errno::XEN_EINVAL);
    TRY(xsm_evtchn_interdomain(XSM_HOOK, ld, *rd));
    Evtchn& lchn = port_ref(le, lport);
    {
        PortPairLock pl(ld, lchn, *rd, rchn);
        lchn.remote_dom = rd;
        lchn.remote_port = rport;
        lchn.notify_vcpu_id.store(0);
        le.port_ops().init(ld, lchn);
        ++le.active_ports;
        lchn.state.store(EvtchnState::interdomain);
        rchn.remote_dom = &ld;
        rchn.remote_port = lport;
        rchn.state.store(EvtchnState::interdomain);
    }
    // Sends on the remote port while it was unbound were dropped: make up
    // for them, conservatively, as Xen does.
    set_pending(ld, lchn);
    b.local_port = lport;
    return ok_status();
}

Status evtchn_bind_virq(Domain& cur, evtchn_bind_virq_t& b) {
    const uint32_t virq = b.virq, vcpu = b.vcpu;
    if (virq >= nr_virqs) return Err(Errno::XEN_EINVAL);
    if (virq_is_global(virq) && vcpu != 0) return Err(Errno::XEN_EINVAL);
    Vcpu* v = domain_vcpu(cur, vcpu);
    if (!v) return Err(Errno::XEN_ENOENT);
    EvtchnDomain& e = *cur.evtchn;
    IrqSpinGuard g(e.lock);
    if (__atomic_load_n(&v->virq_to_port[virq], __ATOMIC_ACQUIRE)) return Err(Errno::XEN_EEXIST);
    const EvtchnPort port = TRY(get_free_port(cur, e));
    bind_port(cur, e, port, EvtchnState::virq, [&](Evtchn& chn) {
        chn.virq = virq;
        chn.notify_vcpu_id.store(vcpu);
    });
    __atomic_store_n(&v->virq_to_port[virq], port, __ATOMIC_RELEASE);
    b.port = port;
    return ok_status();
}

Status evtchn_bind_ipi(Domain& cur, evtchn_bind_ipi_t& b) {
    if (!domain_vcpu(cur, b.vcpu)) return Err(Errno::XEN_ENOENT);
    EvtchnDomain& e = *cur.evtchn;
    IrqSpinGuard g(e.lock);
    const EvtchnPort port = TRY(get_free_port(cur, e));
    bind_port(cur, e, port, EvtchnState::ipi, [&](Evtchn& chn) { chn.notify_vcpu_id.store(b.vcpu); });
    b.port = port;
    return ok_status();
}

Status evtchn_close(Domain& d1, EvtchnPort port1, bool guest) {
    EvtchnDomain* e1 = d1.evtchn;
    if (!e1 || !port_is_valid(*e1, port1)) return Err(Errno::XEN_EINVAL);
    Evtchn& chn1 = port_ref(*e1, port1);
    Domain* d2 = nullptr;
    DomainRef d2_ref; // outlives the locks: d2 stays allocated while we retake them
    // An interdomain close needs the remote domain's lock too, taken in
    // domid order: learn who it is, then retake the locks and look again.
    for (;;) {
        DomainLocks locks(d1, d2);
        const EvtchnState state = chn1.state.load();
        if (guest && state == EvtchnState::xen) return Err(Errno::XEN_EINVAL);
        switch (state) {
        case EvtchnState::free:
        case EvtchnState::reserved:
            return Err(Errno::XEN_EINVAL);
        case EvtchnState::virq:
            for (unsigned i = 0; i < d1.max_vcpus; ++i) {
                if (Vcpu* v = d1.vcpus[i]; v && v->virq_to_port[chn1.virq] == port1)
                    __atomic_store_n(&v->virq_to_port[chn1.virq], 0u, __ATOMIC_RELEASE);
            }
            break;
        case EvtchnState::interdomain: {
            Domain* remote = chn1.remote_dom;
            if (!d2 && remote != &d1) {
                // Connected under our lock: remote cannot have finished
                // closing its end, so it still has its table reference.
                if (!get_domain(*remote)) return Err(Errno::XEN_EINVAL);
                d2_ref.reset(remote);
                d2 = remote;
                continue; // retake with both locks
            }
            if (d2 && d2 != remote)
                return Err(Errno::XEN_EINVAL); // closed and re-bound meanwhile: Xen's answer
            Evtchn& chn2 = port_ref(*remote->evtchn, chn1.remote_port);
            ASSERT(chn2.state.load() == EvtchnState::interdomain && chn2.remote_dom == &d1);
            PortPairLock pl(d1, chn1, *remote, chn2);
            free_port(d1, *e1, chn1);
            // The other end waits for a new partner: us, again.
            chn2.unbound_remote = d1.domid;
            chn2.remote_dom = nullptr;
            chn2.state.store(EvtchnState::unbound);
            return ok_status();
        }
        default:
            break; // unbound, ipi, xen: nothing else to undo
        }
        IrqSpinGuard pg(chn1.lock);
        free_port(d1, *e1, chn1);
        return ok_status();
    }
}

Status evtchn_send(Domain& ld, EvtchnPort lport) {
    EvtchnDomain* le = ld.evtchn;
    if (!le || !port_is_valid(*le, lport)) return Err(Errno::XEN_EINVAL);
    Evtchn& lchn = port_ref(*le, lport);
    TRY(xsm_evtchn_send(XSM_HOOK, ld));
    void (*consumer)(Domain&, EvtchnPort) = nullptr;
    {
        IrqSpinGuard g(lchn.lock);
        switch (lchn.state.load()) {
        case EvtchnState::interdomain: {
            Domain& rd = *lchn.remote_dom;
            set_pending(rd, port_ref(*rd.evtchn, lchn.remote_port));
            return ok_status();
        }
        case EvtchnState::ipi:
            set_pending(ld, lchn);
            return ok_status();
        case EvtchnState::unbound:
            return ok_status(); // nobody listens: dropped, as in Xen
        case EvtchnState::xen:
            consumer = lchn.on_send;
            break;
        default:
            return Err(Errno::XEN_EINVAL);
        }
    }
    // Outside the port lock: the consumer may notify the guest on this port.
    if (consumer) consumer(ld, lport);
    return ok_status();
}

Status evtchn_status(Domain& cur, evtchn_status_t& s) {
    DomainRef ref;
    TRY(domain_ref_by_any_id(cur, s.dom, ref));
    Domain* d = ref.get();
    EvtchnDomain& e = *d->evtchn;
    IrqSpinGuard g(e.lock);
    if (!port_is_valid(e, s.port)) return Err(Errno::XEN_EINVAL); // before the hook, as Xen
    TRY(xsm_evtchn_status(XSM_TARGET, cur, *d));
    const Evtchn& chn = port_ref(e, s.port);
    memset(&s.u, 0, sizeof(s.u));
    switch (chn.state.load()) {
    case EvtchnState::free:
    case EvtchnState::reserved:
        s.status = EVTCHNSTAT_closed;
        break;
    case EvtchnState::unbound:
        s.status = EVTCHNSTAT_unbound;
        s.u.unbound.dom = chn.unbound_remote;
        break;
    case EvtchnState::interdomain:
        s.status = EVTCHNSTAT_interdomain;
        s.u.interdomain.dom = chn.remote_dom->domid;
        s.u.interdomain.port = chn.remote_port;
        break;
    case EvtchnState::xen: // the other end is the hypervisor
        s.status = EVTCHNSTAT_interdomain;
        s.u.interdomain.dom = DOMID_XEN;
        s.u.interdomain.port = 0;
        break;
    case EvtchnState::pirq:
        s.status = EVTCHNSTAT_pirq;
        break;
    case EvtchnState::virq:
        s.status = EVTCHNSTAT_virq;
        s.u.virq = chn.virq;
        break;
    case EvtchnState::ipi:
        s.status = EVTCHNSTAT_ipi;
        break;
    }
    s.vcpu = chn.notify_vcpu_id.load();
    return ok_status();
}

Status evtchn_bind_vcpu(Domain& d, EvtchnPort port, uint32_t vcpu) {
    if (!domain_vcpu(d, vcpu)) return Err(Errno::XEN_ENOENT);
    EvtchnDomain& e = *d.evtchn;
    IrqSpinGuard g(e.lock);
    if (!port_is_valid(e, port)) return Err(Errno::XEN_EINVAL);
    Evtchn& chn = port_ref(e, port);
    switch (chn.state.load()) {
    case EvtchnState::virq:
        if (!virq_is_global(chn.virq)) return Err(Errno::XEN_EINVAL);
        break;
    case EvtchnState::unbound:
    case EvtchnState::interdomain:
        break;
    default:
        return Err(Errno::XEN_EINVAL); // IPIs, free ports, hypervisor ports
    }
    chn.notify_vcpu_id.store(vcpu);
    return ok_status();
}

Status evtchn_unmask(Domain& d, EvtchnPort port) {
    EvtchnDomain* e = d.evtchn;
    if (!e || !port_is_valid(*e, port)) return Err(Errno::XEN_EINVAL);
    Evtchn& chn = port_ref(*e, port);
    IrqSpinGuard g(chn.lock);
    // Xen's evtchn_port_unmask(): a port that is not in use is ignored (0,
    // as in Xen), and so is one the current ABI cannot name (ports bound
    // under FIFO stay valid after a reset to 2-level). cxen's hypervisor
    // ports stay unmaskable: they stand in for a console daemon's
    // interdomain channel, and Linux unmasks a pending port through here.
    const EvtchnState state = chn.state.load();
    if (state == EvtchnState::free || state == EvtchnState::reserved) return ok_status();
    const EvtchnPortOps& ops = e->port_ops();
    if (port >= ops.max_ports()) return ok_status();
    ops.unmask(d, domain_vcpu(d, chn.notify_vcpu_id.load()), port);
    return ok_status();
}

Status evtchn_set_priority(Domain& d, const evtchn_set_priority_t& p) {
    EvtchnDomain* e = d.evtchn;
    if (!e || !port_is_valid(*e, p.port)) return Err(Errno::XEN_EINVAL);
    Evtchn& chn = port_ref(*e, p.port);
    IrqSpinGuard g(chn.lock);
    const EvtchnPortOps& ops = e->port_ops();
    if (&ops == &evtchn_2l_ops()) return Err(Errno::XEN_ENOSYS); // Xen: no set_priority hook
    switch (chn.state.load()) { // Xen's evtchn_usable()
    case EvtchnState::free:
    case EvtchnState::reserved:
    case EvtchnState::xen:
        return Err(Errno::XEN_EACCES);
    default:
        return ops.set_priority(d, chn, p.priority);
    }
}

Status evtchn_reset(Domain& cur, domid_t dom, bool resume, bool* preempted) {
    DomainRef ref;
    TRY(domain_ref_by_any_id(cur, dom, ref));
    Domain* d = ref.get();
    TRY(xsm_evtchn_reset(XSM_TARGET, cur, *d));
    if (d != &cur) return Err(Errno::XEN_EINVAL); // Xen: unless a controller paused it
    EvtchnDomain& e = *d->evtchn;
    {
        // Xen's d->next_evtchn: only EVTCHNOP_reset_cont continues a reset
        // in progress; a second EVTCHNOP_reset meanwhile (another vCPU, or
        // the guest not letting the continuation run) is -EBUSY, as is
        // reset_cont with none in progress.
        IrqSpinGuard g(e.lock);
        if (resume != e.reset_in_progress) return Err(Errno::XEN_EBUSY);
        e.reset_in_progress = true;
    }
    if (preempted) *preempted = false;
    // Up to 131072 ports with FIFO: check for waiting work every 64 closes
    // (Xen's evtchn_reset() + EVTCHNOP_reset_cont). Closed ports stay
    // free, so a resumed reset simply skips them.
    const uint32_t valid = e.valid_ports.load();
    unsigned closed = 0;
    for (EvtchnPort p = 1; p < valid; ++p) {
        if (port_ref(e, p).state.load() == EvtchnState::free) continue;
        if (preempted && closed && closed % hypercall_preempt_interval == 0 && hypercall_preempt_check()) {
            *preempted = true; // still in progress: reset_cont goes on
            return ok_status();
        }
        (void)evtchn_close(*d, p, true); // hypervisor ports refuse, and stay
        ++closed;
    }
    DomainLocks locks(*d, nullptr);
    e.reset_in_progress = false;
    if (e.active_ports - 1 > e.xen_ports) return Err(Errno::XEN_EAGAIN); // bound meanwhile
    if (e.fifo) {
        // Back to 2-level. Everyone who may hold the FIFO ops holds the
        // domain lock (ours) or a port lock of d (interdomain senders from
        // other domains are gone: their channels were closed above, under
        // both port locks). Passing through every port lock after the
        // switch waits out those still inside.
        e.ops.store(&evtchn_2l_ops(), std::memory_order_release);
        const uint32_t nr = e.valid_ports.load();
        for (EvtchnPort p = 0; p < nr; ++p) {
            Evtchn& chn = port_ref(e, p);
            chn.lock.lock();
            chn.lock.unlock();
        }
        evtchn_fifo_destroy(e);
    }
    return ok_status();
}

// ---- queries, VIRQs, hypervisor ports ----

uint32_t evtchn_max_ports(const Domain& d) {
    return d.evtchn ? d.evtchn->port_ops().max_ports() : 0;
}

// The port lock keeps the ABI from being switched (and its state freed)
// under the query (Xen takes the per-channel read lock as well).
bool evtchn_port_is_pending(const Domain& d, EvtchnPort port) {
    const EvtchnDomain* e = d.evtchn;
    if (!e || !port_is_valid(*e, port)) return false;
    IrqSpinGuard g(port_ref(*e, port).lock);
    return e->port_ops().is_pending(d, port);
}

bool evtchn_port_is_masked(const Domain& d, EvtchnPort port) {
    const EvtchnDomain* e = d.evtchn;
    if (!e || !port_is_valid(*e, port)) return false;
    IrqSpinGuard g(port_ref(*e, port).lock);
    return e->port_ops().is_masked(d, port);
}

void send_guest_vcpu_virq(Vcpu& v, uint32_t virq) {
    Domain& d = *v.domain;
    if (virq >= nr_virqs || !d.evtchn) return;
    const EvtchnPort port = __atomic_load_n(&v.virq_to_port[virq], __ATOMIC_ACQUIRE);
    if (port == 0) return;
    Evtchn& chn = port_ref(*d.evtchn, port);
    IrqSpinGuard g(chn.lock);
    // Closed (and maybe re-bound) since we read virq_to_port: drop it.
    if (chn.state.load() != EvtchnState::virq || chn.virq != virq) return;
    d.evtchn->port_ops().set_pending(d, &v, port);
}

void send_guest_global_virq(Domain& d, uint32_t virq) {
    if (virq >= nr_virqs || !d.evtchn) return;
    Vcpu* v0 = domain_vcpu(d, 0);
    if (!v0) return;
    const EvtchnPort port = __atomic_load_n(&v0->virq_to_port[virq], __ATOMIC_ACQUIRE);
    if (port == 0) return;
    Evtchn& chn = port_ref(*d.evtchn, port);
    IrqSpinGuard g(chn.lock);
    if (chn.state.load() != EvtchnState::virq || chn.virq != virq) return;
    set_pending(d, chn); // to the vCPU EVTCHNOP_bind_vcpu chose
}

Result<EvtchnPort> evtchn_alloc_xen_port(Domain& d, void (*on_send)(Domain& d, EvtchnPort port)) {
    EvtchnDomain& e = *d.evtchn;
    IrqSpinGuard g(e.lock);
    const EvtchnPort port = TRY(get_free_port(d, e));
    bind_port(d, e, port, EvtchnState::xen, [&](Evtchn& chn) {
        chn.on_send = on_send;
        chn.notify_vcpu_id.store(0);
    });
    return port;
}

void evtchn_notify_from_xen(Domain& d, EvtchnPort port) {
    EvtchnDomain* e = d.evtchn;
    if (!e || !port_is_valid(*e, port)) return;
    Evtchn& chn = port_ref(*e, port);
    IrqSpinGuard g(chn.lock);
    if (chn.state.load() == EvtchnState::xen) set_pending(d, chn);
}

bool evtchn_vcpu_has_pending(const Vcpu& v) {
    // HVM ignores evtchn_upcall_mask (Xen's hvm_local_events_need_delivery).
    return v.vcpu_info &&
           __atomic_load_n(&v.vcpu_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST) != 0;
}

// ---- SCHEDOP_poll ----

void evtchn_check_pollers(Domain& d, EvtchnPort port) {
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        Vcpu* v = d.vcpus[i];
        if (!v) continue;
        uint32_t polled = v->poll_port.load();
        if ((polled == poll_any || polled == port) &&
            v->poll_port.compare_exchange_strong(polled, 0))
            vcpu_wake(*v);
    }
}

Status evtchn_poll(Vcpu& v, uint32_t nr_ports, uint64_t timeout_ns, EvtchnPortReader read_port,
                   void* ctx) {
    if (nr_ports > 128) return Err(Errno::XEN_EINVAL); // Xen's "fairly arbitrary limit"
    Domain& d = *v.domain;
    // Announce the poll before looking at the ports: a set-pending that
    // comes after this sees poll_port and wakes us (both sides are seq_cst).
    v.poll_port.store(poll_any);
    vcpu_block(v);
    auto stop_polling = [&v](Status st) {
        v.poll_port.store(0);
        vcpu_wake(v); // cancels the block requested above
        return st;
    };
    // Xen's local_events_need_delivery(): an upcall the guest cannot take
    // now (interrupts off: Linux's PV spinlock waits in IRQ context) does
    // not end the poll, or the waiter would spin through the hypervisor
    // instead of sleeping until its port's kick.
    if (arch::local_events_need_delivery(v)) return stop_polling(ok_status());
    EvtchnPort port = 0;
    for (uint32_t i = 0; i < nr_ports; ++i) {
        auto p = read_port(ctx, i);
        if (!p) return stop_polling(Err(p.error()));
        port = p.value();
        if (port >= evtchn_max_ports(d)) return stop_polling(Err(Errno::XEN_EINVAL));
        if (evtchn_port_is_pending(d, port)) return stop_polling(ok_status());
    }
    // Port 0 narrows nothing: poll_port 0 means "not polling", which would
    // leave the poll to its timeout forever (Xen's do_poll() also waits for
    // any port when poll_evtchn is 0).
    if (nr_ports == 1 && port != 0) {
        uint32_t any = poll_any; // unless a wake-up came already
        v.poll_port.compare_exchange_strong(any, port);
    }
    stop_timer(v.poll_timer);
    if (timeout_ns != 0) {
        init_timer(v.poll_timer, poll_timeout, &v, v.processor);
        // Without a timer the poll could last forever: end it now (a
        // spurious wake-up is allowed by the ABI).
        if (!set_timer(v.poll_timer, timeout_ns)) return stop_polling(ok_status());
    }
    return ok_status();
}

} // namespace cxen
