// Locking: domain_lock protects `domains` and the count; a Domain's
// console_lock its partial console line (taken before the global console
// lock). A domain is
// destroyed by the reaper timer on CPU 0 once none of its vCPUs is running.
#include "common/domain.hpp"

#include "abi/xen/xen.hpp"
#include "arch/cpu.hpp"
#include "common/console/printk.hpp"
#include "common/console/pv_console.hpp"
#include "common/event/evtchn.hpp"
#include "common/grant/grant_table.hpp"
#include "common/lib/format.hpp"
#include "common/lib/spinlock.hpp"
#include "common/lib/string.hpp"
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

namespace cxen {

namespace {
SpinLock domain_lock;
Domain* domains[max_domains];
unsigned domain_count;
bool all_powered_off = true;
AllDomainsGoneHook gone_hook;

struct Reaper {
    Domain* d;
    Timer t;
};

/// `report`: count d towards the end of the run (the verdict hook); false
/// for a domain whose build failed, which never ran.
void destroy(Domain* d, bool report = true) {
    pv_console_destroy(*d); // first: drains the last output while the ring is still mapped
    evtchn_domain_destroy(*d); // first: closing ports notifies remote domains
    for (unsigned i = 0; i < d->max_vcpus; ++i) {
        if (Vcpu* v = d->vcpus[i]) {
            sched_destroy_vcpu(*v); // off its queue, the policy's data freed
            vcpu_timers_destroy(*v); // a queued Timer must not outlive its Vcpu
            arch::vcpu_arch_destroy(*v);
            if (v->vcpu_info_registered) arch::unmap_guest_ram_frame(v->vcpu_info); // its page reference
            d->vcpus[i] = nullptr; // a referenced Domain outlives its vCPUs
            xdelete(v);
        }
    }
    // The p2m first, under its lock: other domains' grant maps and copies
    // of d's frames then find nothing, d's frames that others still map are
    // kept by their page references, and the references d's entries held
    // on its grant frames are gone before the grant table frees them. d's
    // own grant mappings of others' frames are released by the grant code.
    p2m_teardown(*d);
    gnttab_domain_destroy(*d);
    sched_destroy_domain(*d);
    if (d->shared_info) free_xenheap_pages(d->shared_info, 0);
    bool last;
    {
        IrqSpinGuard g(domain_lock);
        for (auto& slot : domains)
            if (slot == d) slot = nullptr;
        last = --domain_count == 0;
    }
    log(LogLevel::info, "d%u: destroyed, memory returned\n", d->domid);
    put_domain(*d); // the table's reference
    if (last && report && gone_hook) gone_hook(all_powered_off);
}

} // namespace

void domain_destroy(Domain& d) { destroy(&d); }

void domain_destroy_failed_build(Domain& d) {
    d.is_dying = true; // as a shutdown would: nothing binds or runs from here on
    log(LogLevel::info, "d%u: build failed; returning what it took\n", d.domid);
    destroy(&d, false);
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
    evtchn_domain_free(d); // closed at destroy; a holder could still lock it until now
    xdelete(&d);
}

Domain* get_domain_by_id(Domid domid) {
    IrqSpinGuard g(domain_lock); // in the table: the table's reference is still held
    for (Domain* d : domains)
        if (d && d->domid == domid) return get_domain(*d) ? d : nullptr;
    return nullptr;
}

namespace {
void reap(void* data) {
    auto* r = static_cast<Reaper*>(data);
    // Off the run queues first (under each queue's lock): no pCPU can pick
    // a vCPU after that, so one seen not running stays so.
    for (unsigned i = 0; i < r->d->max_vcpus; ++i)
        if (Vcpu* v = r->d->vcpus[i]) sched_remove_vcpu(*v);
    for (unsigned i = 0; i < r->d->max_vcpus; ++i) {
        Vcpu* v = r->d->vcpus[i];
        if (v && sched_vcpu_running(*v)) { // still on a pCPU: look again soon
            (void)set_timer(r->t, arch::now_ns() + 1'000'000);
            return;
        }
    }
    Domain* d = r->d;
    xdelete(r);
    destroy(d);
}
} // namespace

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
                              uint32_t max_grant_frames, uint32_t max_maptrack_frames) {
    if (domid >= domid_first_reserved || max_vcpus == 0 || max_vcpus > max_vcpus_per_domain)
        return Err(Errno::XEN_EINVAL);
    Domain* d = TRY(xnew<Domain>());
    d->domid = domid;
    strlcpy(d->name, name, sizeof(d->name));
    d->max_vcpus = max_vcpus;
    d->max_evtchn_ports = max_evtchn_ports;
    d->max_grant_frames = max_grant_frames;
    d->max_maptrack_frames = max_maptrack_frames;
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
    if (Status st = sched_init_vcpu(*v); !st) {
        xdelete(v);
        return Err(st.error());
    }
    d.vcpus[id] = v;
    return v;
}

void domain_shutdown(Domain& d, ShutdownReason reason) {
    bool expected = false;
    if (!d.is_shutdown.compare_exchange_strong(expected, true)) return;
    d.shutdown_reason = reason;
    if (reason != ShutdownReason::poweroff) all_powered_off = false;
    log(LogLevel::info, "d%u: shutdown: %s (%s)\n", d.domid, shutdown_reason_name(reason), d.name);
    d.is_dying = true;
    // Nothing restarts a domain yet (on_reboot/on_poweroff act as "destroy").
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        if (Vcpu* v = d.vcpus[i]) {
            VcpuState s = v->state.load();
            while (s != VcpuState::running && !v->state.compare_exchange_weak(s, VcpuState::offline)) {
            }
        }
    }
    auto r = xnew<Reaper>();
    if (!r) return; // the domain stays as a zombie; its memory is lost, nothing else
    r.value()->d = &d;
    init_timer(r.value()->t, reap, r.value(), 0);
    (void)set_timer(r.value()->t, arch::now_ns());
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
