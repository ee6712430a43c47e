// The FIFO event-channel ABI (Xen 4.4+): one 32-bit event word per port in
// guest pages (the event array), and per vCPU a control block with a READY
// bit and a queue head for each of 16 priorities. A pending, unmasked port
// is LINKED onto the tail of its queue; the guest consumes from the head.
// Source: Xen public/event_channel.h (EVTCHNOP_init_control,
// _expand_array, _set_priority, "FIFO ABI") and the semantics of Xen's
// xen/common/event_fifo.c; docs/event-channels.md.
//
// Locking: the domain lock (EvtchnDomain::lock) serialises init_control,
// expand_array and the switch back to 2-level. Each queue has a lock that
// protects its `tail` and orders links onto it; set_pending holds the
// port's current queue and the queue it was last linked on (two, in
// address order, after any domain or port lock) while it sets PENDING and
// links, so the guest never sees an upcall before the event is visible.
// The event words and the control block are shared with the guest, which
// changes them concurrently: every access is an atomic operation, and the
// LINK field of a word is only written with compare-exchange while LINKED
// is still set (the guest may clear LINKED at any time; BUSY keeps it from
// doing so while we retry). Delivery takes no lock of the sender and is
// O(1) in the number of ports.
#include "abi/xen/xen.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "common/event/evtchn.hpp"
#include "common/event/evtchn_port_ops.hpp"
#include "common/mm/xmalloc.hpp"

namespace cxen {

namespace {

constexpr uint32_t words_per_page = page_size / sizeof(event_word_t); // 1024
constexpr uint32_t max_array_pages = EVTCHN_FIFO_NR_CHANNELS / words_per_page;
constexpr uint32_t nr_queues = EVTCHN_FIFO_MAX_QUEUES;
static_assert(sizeof(evtchn_fifo_control_block_t) == 72);
static_assert(EVTCHN_FIFO_NR_CHANNELS == evtchn_nr_channels_max);

struct FifoQueue {
    SpinLock lock;
    uint32_t tail = 0; ///< last port linked (0: empty, port 0 is never used); under lock
    uint8_t priority = 0;
};

struct FifoVcpu {
    /// In a guest frame (EVTCHNOP_init_control); null until registered.
    std::atomic<evtchn_fifo_control_block_t*> control_block{nullptr};
    FifoQueue queue[nr_queues];
};

} // namespace

struct EvtchnFifoDomain {
    /// Per-vCPU queues, created for every vCPU at the switch to FIFO (or at
    /// its init_control if created later); freed with the FIFO state.
    std::atomic<FifoVcpu*> vcpu[max_vcpus_per_domain] = {};
    event_word_t* event_array[max_array_pages] = {}; ///< slots below num_evtchns / 1024 are set
    std::atomic<uint32_t> num_evtchns{0};            ///< ports with an event word
};

namespace {

// ---- event words ----

constexpr event_word_t bit(unsigned nr) {
    return event_word_t{1} << nr;
}
bool test_and_set(event_word_t* w, unsigned nr) {
    return __atomic_fetch_or(w, bit(nr), __ATOMIC_SEQ_CST) & bit(nr);
}
void set(event_word_t* w, unsigned nr) {
    __atomic_fetch_or(w, bit(nr), __ATOMIC_SEQ_CST);
}
void clear(event_word_t* w, unsigned nr) {
    __atomic_fetch_and(w, ~bit(nr), __ATOMIC_SEQ_CST);
}
bool test(const event_word_t* w, unsigned nr) {
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & bit(nr);
}

/// The event word of `port`, or null if the event array does not reach it.
/// The acquire pairs with expand_array's release: the slot is set.
event_word_t* word_from_port(const EvtchnFifoDomain& f, EvtchnPort port) {
    if (port >= f.num_evtchns.load(std::memory_order_acquire)) return nullptr;
    return f.event_array[port / words_per_page] + port % words_per_page;
}

/// One try at pointing the LINK field of `word` at `link`: 1 done, 0 the
/// word is no longer LINKED (the guest consumed it), -1 the word changed
/// under us (`w` holds its new value). Success also drops our BUSY.
int try_set_link(event_word_t* word, event_word_t& w, uint32_t link) {
    if (!(w & bit(EVTCHN_FIFO_LINKED))) return 0;
    const event_word_t want = (w & ~(bit(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
    return __atomic_compare_exchange_n(word, &w, want, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 1 : -1;
}

/// Link the tail word to `link` if it is still LINKED; false if the guest
/// unlinked it (the queue is empty). The guest may set or clear MASKED,
/// clear PENDING or clear LINKED meanwhile; BUSY keeps Linux from clearing
/// MASKED itself. Xen tries 4 times and then gives up, reporting the link
/// made; the spin model (tests/model, xen_retry_bound_exhausted) shows
/// that EVTCHNOP_unmask, which clears MASKED whatever BUSY says, lets a
/// well-behaved guest make a fifth change, stranding the port. cxen tries
/// set_link_tries times: far more than a guest's own steps allow, and
/// still bounded so that a guest fighting us only delays itself.
constexpr unsigned set_link_tries = 64;
bool set_link(event_word_t* word, uint32_t link) {
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    int rc = try_set_link(word, w, link);
    if (rc >= 0) return rc;
    set(word, EVTCHN_FIFO_BUSY);
    w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (unsigned tries = 0; tries < set_link_tries; ++tries) {
        rc = try_set_link(word, w, link);
        if (rc == 0) clear(word, EVTCHN_FIFO_BUSY);
        if (rc >= 0) return rc;
    }
    clear(word, EVTCHN_FIFO_BUSY); // a guest fighting us loses this event's order
    return true;
}

// ---- queues ----

constexpr uint32_t make_lastq(uint32_t vcpu_id, uint32_t priority) {
    return vcpu_id << 8 | priority;
}

/// The queue `lastq` names, or `fallback` if that vCPU has no FIFO state.
FifoQueue* lastq_queue(const EvtchnFifoDomain& f, uint32_t lastq, FifoQueue* fallback) {
    const uint32_t vcpu_id = lastq >> 8;
    FifoVcpu* fv = vcpu_id < max_vcpus_per_domain ? f.vcpu[vcpu_id].load(std::memory_order_acquire) : nullptr;
    return fv ? &fv->queue[(lastq & 0xff) % nr_queues] : fallback;
}

void lock_queues(FifoQueue* a, FifoQueue* b) {
    if (a == b) {
        a->lock.lock();
    } else if (reinterpret_cast<uintptr_t>(a) < reinterpret_cast<uintptr_t>(b)) {
        a->lock.lock();
        b->lock.lock();
    } else {
        b->lock.lock();
        a->lock.lock();
    }
}
void unlock_queues(FifoQueue* a, FifoQueue* b) {
    if (a != b) b->lock.unlock();
    a->lock.unlock();
}

Status alloc_fifo_vcpu(EvtchnFifoDomain& f, unsigned vcpu_id) {
    FifoVcpu* fv = TRY(xnew<FifoVcpu>());
    for (uint32_t i = 0; i < nr_queues; ++i)
        fv->queue[i].priority = static_cast<uint8_t>(i);
    f.vcpu[vcpu_id].store(fv, std::memory_order_release);
    return ok_status();
}

void free_fifo_domain(EvtchnFifoDomain* f) {
    for (auto& fv : f->vcpu) {
        if (FifoVcpu* v = fv.load()) arch::unmap_guest_ram_frame(v->control_block.load()); // its page reference
        xdelete(fv.load());
    }
    for (event_word_t* page : f->event_array) arch::unmap_guest_ram_frame(page);
    xdelete(f);
}

class EvtchnFifo final : public EvtchnPortOps {
  public:
    constexpr EvtchnFifo() = default;

    uint32_t max_ports() const override { return EVTCHN_FIFO_NR_CHANNELS; }

    void init(Domain&, Evtchn& chn) const override {
        chn.fifo_priority.store(EVTCHN_FIFO_PRIORITY_DEFAULT);
    }

    void set_pending(Domain& d, Vcpu* v, EvtchnPort port) const override {
        EvtchnFifoDomain& f = *d.evtchn->fifo;
        Evtchn& chn = evtchn_from_port(*d.evtchn, port);
        event_word_t* word = word_from_port(f, port);
        if (!word) {
            // No event word yet: remember, expand_array delivers it. It may
            // have added the page just now; then whoever clears the flag
            // first delivers (both sides are seq_cst).
            chn.fifo_pending.store(true);
            word = word_from_port(f, port);
            if (!word || !chn.fifo_pending.exchange(false)) return;
        }
        FifoVcpu* fv = v ? f.vcpu[v->vcpu_id].load(std::memory_order_acquire) : nullptr;
        if (!fv) { // no such vCPU, or one without queues: pending, but on no queue
            if (!test_and_set(word, EVTCHN_FIFO_PENDING)) evtchn_check_pollers(d, port);
            return;
        }

        // Lock the port's queue and the one it was last linked on. Both can
        // change (set_priority, bind_vcpu, another set_pending) until we
        // hold the locks: look again, at most 3 times as Xen does.
        const unsigned long flags = arch::irq_save();
        FifoQueue* q = nullptr;
        FifoQueue* old_q = nullptr;
        unsigned tries = 0;
        for (; tries < 3; ++tries) {
            q = &fv->queue[chn.fifo_priority.load() % nr_queues];
            old_q = lastq_queue(f, chn.fifo_lastq.load(), q);
            lock_queues(q, old_q);
            if (q == &fv->queue[chn.fifo_priority.load() % nr_queues] &&
                old_q == lastq_queue(f, chn.fifo_lastq.load(), q))
                break;
            unlock_queues(q, old_q);
        }

        const bool was_pending = test_and_set(word, EVTCHN_FIFO_PENDING);
        bool linked = true; // true: no new READY bit or upcall needed
        evtchn_fifo_control_block_t* cb = nullptr;
        if (tries < 3) {
            // Without a control block the guest cannot have unmasked the
            // port (it must init first): pending is all there is to do.
            cb = fv->control_block.load(std::memory_order_acquire);
            if (cb && !test(word, EVTCHN_FIFO_MASKED) && !test_and_set(word, EVTCHN_FIFO_LINKED)) {
                // It was the old queue's tail: that queue is empty now, and
                // must not link its next event through this word.
                if (old_q->tail == port) old_q->tail = 0;
                if (old_q != q) {
                    chn.fifo_lastq.store(make_lastq(v->vcpu_id, q->priority));
                    old_q->lock.unlock();
                    old_q = q;
                }
                // Append behind the tail if the guest has not consumed it;
                // otherwise the queue is empty and we are its new head.
                linked = q->tail && set_link(word_from_port(f, q->tail), port);
                if (!linked) __atomic_store_n(&cb->head[q->priority], port, __ATOMIC_SEQ_CST);
                q->tail = port;
            }
            unlock_queues(q, old_q);
        } // else: lost the race 3 times; pending but not linked (Xen's "lost event")
        arch::irq_restore(flags);

        if (!linked && !(__atomic_fetch_or(&cb->ready, 1u << q->priority, __ATOMIC_SEQ_CST) & (1u << q->priority)))
            evtchn_mark_events_pending(*v);
        if (!was_pending) evtchn_check_pollers(d, port);
    }

    void clear_pending(Domain& d, EvtchnPort port) const override {
        evtchn_from_port(*d.evtchn, port).fifo_pending.store(false);
        // Only PENDING: the guest unlinks the word and skips it.
        if (event_word_t* word = word_from_port(*d.evtchn->fifo, port)) clear(word, EVTCHN_FIFO_PENDING);
    }

    void unmask(Domain& d, Vcpu* v, EvtchnPort port) const override {
        event_word_t* word = word_from_port(*d.evtchn->fifo, port);
        if (!word) return;
        clear(word, EVTCHN_FIFO_MASKED);
        if (test(word, EVTCHN_FIFO_PENDING)) set_pending(d, v, port); // link it now
    }

    bool is_pending(const Domain& d, EvtchnPort port) const override {
        const event_word_t* word = word_from_port(*d.evtchn->fifo, port);
        return word && test(word, EVTCHN_FIFO_PENDING);
    }
    bool is_masked(const Domain& d, EvtchnPort port) const override {
        const event_word_t* word = word_from_port(*d.evtchn->fifo, port);
        return !word || test(word, EVTCHN_FIFO_MASKED);
    }
    bool is_busy(const Domain& d, EvtchnPort port) const override {
        const event_word_t* word = word_from_port(*d.evtchn->fifo, port);
        return word && test(word, EVTCHN_FIFO_LINKED);
    }

    Status set_priority(Domain&, Evtchn& chn, uint32_t priority) const override {
        if (priority > EVTCHN_FIFO_PRIORITY_MIN) return Err(Errno::XEN_EINVAL);
        // Only later events use the new queue; one linked now stays where it is.
        chn.fifo_priority.store(static_cast<uint8_t>(priority));
        return ok_status();
    }
};

constinit EvtchnFifo ops_fifo;

/// Xen's map_control_block(): vCPU v's control block at `offset` in frame
/// gfn. Domain lock held. -EINVAL already registered or not RAM; -ENOMEM.
Status map_control_block(Domain& d, EvtchnFifoDomain& f, Vcpu& v, uint64_t gfn, uint32_t offset) {
    if (!f.vcpu[v.vcpu_id].load()) TRY(alloc_fifo_vcpu(f, v.vcpu_id)); // vCPU created after the switch
    FifoVcpu& fv = *f.vcpu[v.vcpu_id].load();
    if (fv.control_block.load()) return Err(Errno::XEN_EINVAL);
    // Referenced until free_fifo_domain(): the guest may remove or
    // displace the gfn, the frame stays (Xen's map_guest_page()).
    void* page = TRY(arch::map_guest_ram_frame(d, gfn));
    fv.control_block.store(reinterpret_cast<evtchn_fifo_control_block_t*>(static_cast<uint8_t*>(page) + offset),
                           std::memory_order_release);
    return ok_status();
}

} // namespace

const EvtchnPortOps& evtchn_fifo_ops() {
    return ops_fifo;
}

Status evtchn_init_control(Domain& d, evtchn_init_control_t& c) {
    c.link_bits = EVTCHN_FIFO_LINK_BITS;
    Vcpu* v = evtchn_domain_vcpu(d, c.vcpu);
    if (!v) return Err(Errno::XEN_ENOENT);
    if (c.offset > page_size - sizeof(evtchn_fifo_control_block_t)) return Err(Errno::XEN_EINVAL);
    if (c.offset & 7) return Err(Errno::XEN_EINVAL);
    EvtchnDomain& e = *d.evtchn;
    IrqSpinGuard g(e.lock);
    if (e.fifo) return map_control_block(d, *e.fifo, *v, c.control_gfn, c.offset);

    // The first control block: queues for every vCPU, an empty event array.
    EvtchnFifoDomain* f = TRY(xnew<EvtchnFifoDomain>());
    Status st = ok_status();
    for (unsigned i = 0; i < d.max_vcpus && st; ++i)
        if (d.vcpus[i]) st = alloc_fifo_vcpu(*f, i);
    if (st) st = map_control_block(d, *f, *v, c.control_gfn, c.offset);
    if (!st) {
        free_fifo_domain(f);
        return st;
    }
    e.fifo = f;
    const uint32_t prev_max = e.port_ops().max_ports();
    e.ops.store(&ops_fifo, std::memory_order_release);
    // Xen's setup_ports(): bound ports start at the default priority, and
    // what was pending in the 2-level bitmap is delivered once the port's
    // event-array page exists. (A 2-level send racing with the switch may
    // be lost; the ABI tells guests to switch before binding.)
    const uint32_t valid = e.valid_ports.load();
    for (EvtchnPort port = 1; port < valid && port < prev_max; ++port) {
        Evtchn& chn = evtchn_from_port(e, port);
        chn.fifo_priority.store(EVTCHN_FIFO_PRIORITY_DEFAULT);
        if (evtchn_2l_ops().is_pending(d, port)) chn.fifo_pending.store(true);
    }
    return ok_status();
}

Status evtchn_expand_array(Domain& d, const evtchn_expand_array_t& a) {
    EvtchnDomain& e = *d.evtchn;
    IrqSpinGuard g(e.lock);
    if (!e.fifo) return Err(Errno::XEN_EOPNOTSUPP);
    EvtchnFifoDomain& f = *e.fifo;
    const uint32_t first = f.num_evtchns.load();
    const uint32_t slot = first / words_per_page;
    if (slot >= max_array_pages) return Err(Errno::XEN_ENOSPC);
    void* page = TRY(arch::map_guest_ram_frame(d, a.array_gfn));
    f.event_array[slot] = static_cast<event_word_t*>(page);
    f.num_evtchns.store(first + words_per_page); // seq_cst: see set_pending's no-word case
    // Deliver what became pending while the page was missing.
    for (EvtchnPort port = first; port < first + words_per_page && evtchn_port_is_valid(e, port); ++port) {
        Evtchn& chn = evtchn_from_port(e, port);
        if (chn.fifo_pending.exchange(false))
            ops_fifo.set_pending(d, evtchn_domain_vcpu(d, chn.notify_vcpu_id.load()), port);
    }
    return ok_status();
}

void evtchn_fifo_destroy(EvtchnDomain& e) {
    if (!e.fifo) return;
    free_fifo_domain(e.fifo); // drops the pages' references
    e.fifo = nullptr;
}

bool evtchn_uses_guest_frame(const Domain& d, const void* page) {
    EvtchnDomain* e = d.evtchn;
    if (!e) return false;
    IrqSpinGuard g(e->lock);
    const EvtchnFifoDomain* f = e->fifo;
    if (!f) return false;
    const auto base = reinterpret_cast<uintptr_t>(page);
    for (const auto& slot : f->vcpu) {
        const FifoVcpu* fv = slot.load();
        const evtchn_fifo_control_block_t* cb = fv ? fv->control_block.load() : nullptr;
        if (cb && reinterpret_cast<uintptr_t>(cb) - base < page_size) return true;
    }
    for (uint32_t s = 0; s < f->num_evtchns.load() / words_per_page; ++s)
        if (f->event_array[s] == page) return true;
    return false;
}

} // namespace cxen
