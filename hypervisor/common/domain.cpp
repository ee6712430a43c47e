// Locking: domain_lock protects `domains` and the count; a Domain's
// console_lock its partial console line (taken before the global console
// lock). domain_kill() steps of one domain are serialised by its kill_busy
// flag; what owns the domain (the boot-time reaper, a controller) calls it.
#include "common/domain.hpp"

#include "common/mm/claim.hpp"

#include "abi/xen/xen.hpp"
#include "arch/cpu.hpp"
#include "common/console/printk.hpp"
#include "common/console/pv_console.hpp"
#include "common/event/evtchn.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"
#include "lib/base/format.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/string.hpp"
#include "arch/guest_access.hpp"
#include "common/mm/p2m.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "arch/time.hpp"
#include "common/time/timer.hpp"
#include "common/time/vcpu_timer.hpp"
#include "common/time/wallclock.hpp"

namespace cxen {

namespace {
SpinLock domain_lock;
Domain* domains[max_domains];
unsigned domain_count;
bool all_powered_off = true;
AllDomainsGoneHook gone_hook;

/// Send VIRQ_DOM_EXC to the control domain (Xen's send_global_virq()):
/// a domain shut down, died or went. Not to `d` itself.
void notify_dom_exc(const Domain& d) {
    Domain* ctl = get_control_domain();
    if (!ctl) return;
    if (ctl != &d) send_guest_global_virq(*ctl, VIRQ_DOM_EXC);
    put_domain(*ctl);
}

/// Leave the table (Xen's domain_destroy(), at the last hold): the ID is
/// free again; the Domain goes with its last reference.
void unlist(Domain& d) {
    bool last;
    {
        IrqSpinGuard g(domain_lock);
        for (auto& slot : domains)
            if (slot == &d) slot = nullptr;
        last = --domain_count == 0;
    }
    const bool report = d.report_gone;
    notify_dom_exc(d);
    put_domain(d); // the table's reference
    if (last && report && gone_hook) gone_hook(all_powered_off);
}

void drop_hold(Domain& d) {
    const uint32_t before = d.holds.fetch_sub(1);
    ASSERT(before > 0);
    if (before == 1) unlist(d);
}

// domain_kill()'s steps, in order (Domain::kill_stage).
enum KillStage : uint8_t { kill_alive, kill_vcpus_off, kill_ports, kill_vcpus, kill_memory, kill_grants, kill_dead };

/// One step; false if it cannot be done yet (a vCPU still on a pCPU).
bool kill_step(Domain& d, bool wait_for_vcpus) {
    switch (d.kill_stage) {
    case kill_alive:
        domain_kill_begin(d);
        break;
    case kill_vcpus_off:
        // Off the run queues (under each queue's lock): no pCPU can pick a
        // vCPU after that, so one seen not running stays so.
        for (unsigned i = 0; i < d.max_vcpus; ++i)
            if (Vcpu* v = d.vcpus[i]) sched_remove_vcpu(*v);
        if (wait_for_vcpus)
            for (unsigned i = 0; i < d.max_vcpus; ++i)
                if (Vcpu* v = d.vcpus[i]; v && sched_vcpu_running(*v)) return false;
        break;
    case kill_ports:
        pv_console_destroy(d);     // first: drains the last output while the ring is still mapped
        evtchn_domain_destroy(d);  // closing ports notifies remote domains
        break;
    case kill_vcpus:
        for (unsigned i = 0; i < d.max_vcpus; ++i) {
            if (Vcpu* v = d.vcpus[i]) {
                sched_destroy_vcpu(*v);  // the policy's data freed (already off its queue)
                vcpu_timers_destroy(*v); // a queued Timer must not outlive its Vcpu
                arch::vcpu_arch_destroy(*v);
                if (v->vcpu_info_registered) arch::unmap_guest_ram_frame(v->vcpu_info); // its page reference
                d.vcpus[i] = nullptr; // a referenced Domain outlives its vCPUs
                xdelete(v);
            }
        }
        break;
    case kill_memory:
        // The p2m first, under its lock: other domains' grant maps and
        // copies of d's frames then find nothing, d's frames that others
        // still map are kept by their page references, and the references
        // d's entries held on its grant frames are gone before the grant
        // table frees them.
        p2m_teardown(d);
        break;
    case kill_grants:
        // d's own grant mappings of others' frames are released here; a
        // table others still map holds d listed (domain_hold()).
        gnttab_domain_destroy(d);
        sched_destroy_domain(d);
        if (::shared_info* si = wallclock_detach(d)) free_xenheap_pages(si, 0); // not while do_settime() writes it
        break;
    default:
        return true;
    }
    ++d.kill_stage;
    return true;
}

} // namespace

void domain_kill_begin(Domain& d) {
    bool expected = false;
    if (!d.is_dying.compare_exchange_strong(expected, true)) return;
    domain_pause(d); // held for good (Xen's domain_kill)
    (void)domain_set_outstanding_pages(d, 0); // a claim left over goes (Xen's domain_kill); cancelling cannot fail
    // vCPUs not on a pCPU go offline now; sched_add_vcpu() of one that was
    // offline looks at is_dying after its own change, so whichever comes
    // second sees the other (both seq_cst) and none stays runnable. One on
    // a pCPU is made offline by its scheduler when it leaves (is_dying).
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        if (Vcpu* v = d.vcpus[i]) {
            VcpuState s = v->state.load();
            while (s != VcpuState::running && !v->state.compare_exchange_weak(s, VcpuState::offline)) {
            }
        }
    }
}

Status domain_kill(Domain& d, bool preemptible) {
    if (d.is_dead.load()) return ok_status(); // Xen's DOMDYING_dead: nothing more
    bool expected = false;
    if (!d.kill_busy.compare_exchange_strong(expected, true)) return Err(Errno::XEN_ERESTART);
    bool finished = false, stuck = false;
    while (!finished && !stuck) {
        if (d.kill_stage == kill_dead) {
            finished = true;
            break;
        }
        if (!kill_step(d, preemptible)) {
            stuck = true;
            break;
        }
        if (preemptible && d.kill_stage != kill_dead && d.kill_stage > kill_vcpus_off && hypercall_preempt_check())
            break; // continue in the next call
    }
    if (!finished) {
        d.kill_busy.store(false);
        return Err(Errno::XEN_ERESTART);
    }
    (void)domain_set_outstanding_pages(d, 0); // and one staked while it was dying (Xen would keep it)
    d.is_dead.store(true);
    log(LogLevel::info, "d%u: destroyed, memory returned\n", d.domid);
    notify_dom_exc(d);
    d.kill_busy.store(false);
    drop_hold(d); // the table's hold: d leaves the table unless another domain still maps its pages
    return ok_status();
}

void domain_destroy(Domain& d) {
    const Status st = domain_kill(d, false);
    ASSERT(st.ok()); // no vCPU is waited for, no step preempted: only a concurrent kill could say -ERESTART
}

void domain_destroy_failed_build(Domain& d) {
    log(LogLevel::info, "d%u: build failed; returning what it took\n", d.domid);
    d.report_gone = false;
    domain_destroy(d);
}

bool domain_hold(Domain& d) {
    if (!get_domain(d)) return false;
    uint32_t n = d.holds.load();
    do {
        if (n == 0) { // already left the table
            put_domain(d);
            return false;
        }
    } while (!d.holds.compare_exchange_weak(n, n + 1));
    return true;
}

void domain_unhold(Domain& d) {
    drop_hold(d);
    put_domain(d); // domain_hold()'s reference, kept across a possible unlist()
}

bool get_domain(Domain& d) {
    uint32_t n = d.refcnt.load();
    do {
        if (n == 0) return false;
    } while (!d.refcnt.compare_exchange_weak(n, n + 1));
    return true;
}

void put_domain(Domain& d) {
    const uint32_t before = d.refcnt.fetch_sub(1);
    ASSERT(before > 0);
    if (before != 1) return;
    if (d.target) put_domain(*d.target); // XEN_DOMCTL_set_target's reference
    evtchn_domain_free(d); // closed at destroy; a holder could still lock it until now
    xdelete(&d);
}

Domain* get_domain_by_id(Domid domid) {
    IrqSpinGuard g(domain_lock); // in the table: the table's reference is still held
    for (Domain* d : domains)
        if (d && d->domid == domid) return get_domain(*d) ? d : nullptr;
    return nullptr;
}

Domain* get_domain_from_id(Domid first) {
    IrqSpinGuard g(domain_lock);
    Domain* best = nullptr;
    for (Domain* d : domains)
        if (d && d->domid >= first && (!best || d->domid < best->domid)) best = d;
    return best && get_domain(*best) ? best : nullptr;
}

// ---- the lookup of a domain an op names ----

Status domain_ref_by_id(Domid domid, DomainRef& out) {
    out.reset(get_domain_by_id(domid));
    return out ? ok_status() : Status(Err(Errno::XEN_ESRCH));
}

Status domain_ref_by_any_id(Domain& cur, Domid domid, DomainRef& out) {
    if (domid != DOMID_SELF) return domain_ref_by_id(domid, out);
    out.reset(get_domain(cur) ? &cur : nullptr); // the caller's: always alive while it runs
    return out ? ok_status() : Status(Err(Errno::XEN_ESRCH));
}

Status domain_ref_remote_by_id(Domain& cur, Domid domid, DomainRef& out) {
    TRY(domain_ref_by_id(domid, out));
    if (out.get() == &cur) {
        out.reset();
        return Err(Errno::XEN_EPERM);
    }
    return ok_status();
}

Status domain_ref_live_remote_by_id(Domain& cur, Domid domid, DomainRef& out) {
    TRY(domain_ref_remote_by_id(cur, domid, out));
    if (out.get()->is_dying.load()) {
        out.reset();
        return Err(Errno::XEN_EINVAL);
    }
    return ok_status();
}

const char* shutdown_reason_name(ShutdownReason r) {
    switch (r) {
    case ShutdownReason::poweroff: return "poweroff";
    case ShutdownReason::reboot: return "reboot";
    case ShutdownReason::suspend: return "suspend";
    case ShutdownReason::crash: return "crash";
    case ShutdownReason::watchdog: return "watchdog";
    case ShutdownReason::soft_reset: return "soft_reset";
    }
    return "unknown";
}

namespace {
// Undo a partly created domain (not yet in the table): each part only if it
// was set up.
void free_partial_domain(Domain* d) {
    p2m_teardown(*d);
    if (d->gnttab) gnttab_domain_destroy(*d);
    if (d->evtchn) evtchn_domain_destroy(*d);
    sched_destroy_domain(*d);
    if (d->shared_info) free_xenheap_pages(d->shared_info, 0);
    put_domain(*d); // never in the table: nobody else has a reference
}
} // namespace

Result<Domain*> domain_create(Domid domid, const char* name, unsigned max_vcpus, uint32_t max_evtchn_ports,
                              uint32_t max_grant_frames, uint32_t max_maptrack_frames,
                              const DomainCreateOptions& opts) {
    if (domid >= domid_first_reserved || max_vcpus == 0 || max_vcpus > max_vcpus_per_domain)
        return Err(Errno::XEN_EINVAL);
    Domain* d = TRY(xnew<Domain>());
    d->domid = domid;
    strlcpy(d->name, name, sizeof(d->name));
    d->max_vcpus = max_vcpus;
    d->max_evtchn_ports = max_evtchn_ports;
    d->max_grant_frames = max_grant_frames;
    d->max_maptrack_frames = max_maptrack_frames;
    d->options = opts.options;
    d->max_grant_version = opts.max_grant_version;
    if (opts.handle) memcpy(d->handle, opts.handle, sizeof(d->handle));
    if (opts.controller_paused) { // before it is listed: nobody sees it unpaused
        d->controller_pause_count.store(1);
        d->pause_count.store(1);
    }
    p2m_set_pool(*d); // sized again by the builder once max_pages is known
    Status st = d->p2m.init();
    if (st) {
        // shared_info exists from creation (Xen allocates it with the
        // domain); the guest maps it with XENMAPSPACE_shared_info.
        auto si = alloc_xenheap_pages(0);
        if (si) {
            memset(si.value(), 0, page_size);
            d->shared_info = static_cast<::shared_info*>(si.value());
        } else {
            st = Err(si.error());
        }
    }
    if (st) st = evtchn_domain_init(*d, d->max_evtchn_ports);
    if (st) st = gnttab_domain_init(*d);
    if (st) st = sched_init_domain(*d);
    if (st) {
        IrqSpinGuard g(domain_lock);
        bool exists = false;
        for (Domain* o : domains) exists |= o && o->domid == domid;
        if (exists) st = Err(Errno::XEN_EEXIST);
        else
            for (auto& slot : domains)
                if (!slot) {
                    slot = d;
                    ++domain_count;
                    d->listed = true;
                    return d;
                }
        if (st) st = Err(Errno::XEN_ENOSPC); // every slot is taken
    }
    free_partial_domain(d); // outside domain_lock: teardown takes other locks
    return Err(st.error());
}

Result<Vcpu*> vcpu_create(Domain& d, unsigned id, unsigned cpu) {
    if (id >= d.max_vcpus || d.vcpus[id]) return Err(Errno::XEN_EINVAL);
    Vcpu* v = TRY(xnew<Vcpu>());
    v->domain = &d;
    v->vcpu_id = id;
    v->processor = cpu;
    // Until VCPUOP_register_vcpu_info moves it, vcpu_info lives in
    // shared_info for the first XEN_LEGACY_MAX_VCPUS vCPUs.
    if (id < XEN_LEGACY_MAX_VCPUS) v->vcpu_info = &d.shared_info->vcpu_info[id];
    Status st = arch::vcpu_arch_create(*v);
    if (st) st = sched_init_vcpu(*v);
    if (!st) {
        arch::vcpu_arch_destroy(*v);
        xdelete(v);
        return Err(st.error());
    }
    d.vcpus[id] = v;
    return v;
}

void domain_shutdown(Domain& d, ShutdownReason reason) {
    bool expected = false;
    if (!d.is_shutdown.compare_exchange_strong(expected, true)) return;
    // Xen: the first code wins (SCHEDOP_shutdown_code's, or this reason).
    unsigned code = ~0u;
    if (!d.shutdown_code.compare_exchange_strong(code, static_cast<unsigned>(reason)) &&
        code <= static_cast<unsigned>(ShutdownReason::soft_reset))
        reason = static_cast<ShutdownReason>(code);
    d.shutdown_reason = reason;
    if (reason != ShutdownReason::poweroff) all_powered_off = false;
    log(LogLevel::info, "d%u: shutdown: %s (%s)\n", d.domid, shutdown_reason_name(reason), d.name);
    // Xen pauses each vCPU (vcpu_pause_nosync) and calls the domain shut
    // down once all are: cxen's pause is the domain's, taken once, and the
    // vCPUs on a pCPU leave at their next exit (they see is_shutdown).
    domain_pause(d);
    notify_dom_exc(d);
    if (d.on_shutdown) d.on_shutdown(d);
}

void domain_pause(Domain& d) {
    d.pause_count.fetch_add(1);
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (Vcpu* v = d.vcpus[i]) arch::vcpu_kick(*v);
}

void domain_unpause(Domain& d) {
    const unsigned before = d.pause_count.fetch_sub(1);
    ASSERT(before > 0);
    if (before != 1) return;
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (Vcpu* v = d.vcpus[i]) cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

void domain_crash(Domain& d, const char* why) {
    log(LogLevel::error, "d%u: crashed: %s\n", d.domid, why);
    domain_shutdown(d, ShutdownReason::crash);
}

Domain* domain_by_id(Domid domid) {
    IrqSpinGuard g(domain_lock);
    for (Domain* d : domains)
        if (d && d->domid == domid) return d;
    return nullptr;
}

Domain* domain_by_name(const char* name) {
    if (!name[0]) return nullptr; // nameless domains are not one another
    IrqSpinGuard g(domain_lock);
    for (Domain* d : domains)
        if (d && strcmp(d->name, name) == 0) return d;
    return nullptr;
}

unsigned nr_domains() {
    IrqSpinGuard g(domain_lock);
    return domain_count;
}

void set_all_domains_gone_hook(AllDomainsGoneHook hook) { gone_hook = hook; }

Domain* get_control_domain() {
    IrqSpinGuard g(domain_lock);
    for (Domain* d : domains)
        if (d && d->is_privileged && !d->is_dying.load() && get_domain(*d)) return d;
    return nullptr;
}

void domain_console_write(Domain& d, const char* s, size_t len) {
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "(d%u) ", d.domid);
    IrqSpinGuard guard(d.console_lock); // before the global console lock (printk)
    for (size_t i = 0; i < len; ++i) {
        const char c = s[i];
        const bool shown = (c >= 32 && c < 127) || c == '\t'; // guest bytes never reach the log raw
        if (c != '\n' && d.console_len < sizeof(d.console_line) - 2) {
            if (shown) d.console_line[d.console_len++] = c;
            continue;
        }
        d.console_line[d.console_len++] = '\n';
        if (guest_log_ratelimit(d, LogLevel::debug)) console_write_prefixed(prefix, d.console_line, d.console_len);
        d.console_len = 0;
        if (c != '\n' && shown) d.console_line[d.console_len++] = c; // the line was full
    }
}

} // namespace cxen
