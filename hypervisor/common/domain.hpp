// Domains and vCPUs: the objects every other part of the hypervisor hangs
// state on. A domain's life follows Xen's (xen/common/domain.c):
//
//   running --domain_shutdown()--> shut down --domain_kill()--> dying
//     --(resources released)--> dead --(nothing references its pages)--> gone
//
// domain_shutdown() records the reason and pauses the vCPUs; the domain
// keeps everything and stays "shut down" until whoever owns it decides
// (Domain::on_shutdown: the boot-time builder destroys it, a controller
// calls domain_kill()). domain_kill() releases what the domain holds, a
// step at a time (-ERESTART: call again); a dead domain stays listed, and
// its ID taken, while another domain still maps one of its pages (a grant
// mapping or a foreign entry holds it: domain_hold()), then leaves the table.
//
// Locking: domain_list_lock protects the domain table; a Domain's
// shutdown state is atomic; vCPU scheduling state belongs to the scheduler
// (common/sched). domain_kill() steps of one domain are serialised by
// Domain::kill_busy.
//
// Lifetime: a Domain is counted (Xen's get_domain/put_domain). The domain
// table holds one reference until the domain leaves it; code that uses
// another domain outside that domain's own locks takes one more
// (domain_ref_by_id() & co., get_domain_by_id() or DomainRef), so the
// Domain and its event-channel table stay allocated, closed and dying,
// until the last put_domain(). Its vCPUs, RAM, grant table and shared_info
// are returned by domain_kill() whatever the count.
#pragma once

#include <atomic>
#include <cstdint>

#include "arch/p2m.hpp"
#include "arch/vcpu.hpp"
#include "common/console/guest_log.hpp"
#include "common/domain_cpu_policy.hpp"
#include "common/mm/domain_e820.hpp"
#include "common/mm/foreign_maps.hpp"
#include "lib/base/result.hpp"
#include "common/lib/rwlock.hpp"
#include "common/lib/spinlock.hpp"
#include "common/sched/sched_unit.hpp"
#include "common/time/timer_queue.hpp"

// Xen's public structures (abi/xen/xen.hpp), at global scope as in the headers.
struct vcpu_info;
struct shared_info;

namespace cxen {

using Domid = uint16_t;
constexpr Domid domid_first_reserved = 0x7ff0; ///< DOMID_FIRST_RESERVED, public/xen.h
constexpr unsigned max_domains = 64;
constexpr unsigned max_vcpus_per_domain = 128;

/// SHUTDOWN_* (public/sched.h).
enum class ShutdownReason : uint8_t {
    poweroff = 0, reboot = 1, suspend = 2, crash = 3, watchdog = 4, soft_reset = 5,
};
const char* shutdown_reason_name(ShutdownReason r);

enum class VcpuState : uint8_t { offline, runnable, running, blocked };

/// A vCPU's runstate accounting (RUNSTATE_* and struct vcpu_runstate_info,
/// public/vcpu.h), kept by common/time/runstate.cpp; times in ns of system time.
struct Runstate {
    int state = 3;                  ///< RUNSTATE_offline
    uint64_t state_entry_time = 0;  ///< system time of the last change
    uint64_t time[4] = {};          ///< ns spent in each state before that
};

struct Domain;
struct EvtchnDomain; // common/event
struct GrantTable;   // common/grant
struct PvConsole;    // common/console/pv_console

struct Vcpu {
    Domain* domain = nullptr;
    unsigned vcpu_id = 0;
    /// pCPU whose scheduler holds it; changes only under the old and new
    /// pCPUs' scheduler locks while it is not running (common/sched).
    std::atomic<unsigned> processor{0};
    /// Only the scheduler of v's pCPU moves v out of `running`, after
    /// vcpu_run() returned: so a vCPU seen not running is not in use.
    std::atomic<VcpuState> state{VcpuState::offline};
    std::atomic<bool> block_requested{false}; ///< vcpu_block() while running
    std::atomic<bool> wake_pending{false};    ///< a wake-up arrived since
    // ---- power state, as Xen's VPF_down and v->is_initialised; driven by
    // the HVM layer (INIT/SIPI, VCPUOP_initialise/up/down, HLT with IF=0:
    // arch/x86/hvm/vcpu_power.cpp) ----
    std::atomic<bool> down{false};        ///< HLT with IF=0, INIT, VCPUOP_down, or never started
    std::atomic<bool> initialised{false}; ///< has a register state (SIPI / VCPUOP_initialise / boot)
    std::atomic<bool> on_runq{false};     ///< sched_add_vcpu() done (once per vCPU)

    /// Set by hypercall_create_continuation(): the current hypercall stopped
    /// part-way; the arch code re-executes it with these arguments.
    bool hypercall_continues = false;
    unsigned continuation_nargs = 0; ///< how many of continuation_args to write back
    uint64_t continuation_args[5] = {};
    bool in_multicall = false; ///< inside do_multicall() (a nested one is refused)

    SchedUnit sched; ///< the scheduler's (common/sched/sched_unit.hpp)
    arch::ArchVcpu arch;

    // ---- guest-shared areas and timers (vcpu_op, hvm_op) ----
    ::vcpu_info* vcpu_info = nullptr; ///< in shared_info, or where VCPUOP_register_vcpu_info put it
    uint8_t upcall_vector = 0;             ///< HVMOP_set_evtchn_upcall_vector (0: none)
    Timer singleshot_timer;                ///< VCPUOP_set_singleshot_timer -> VIRQ_TIMER
    uint64_t runstate_gva = 0;             ///< VCPUOP_register_runstate_memory_area (0: none)
    bool vcpu_info_registered = false;     ///< VCPUOP_register_vcpu_info done (once only, as Xen)
    Runstate runstate;                     ///< common/time/runstate.cpp
    Timer periodic_timer;                  ///< VCPUOP_set_periodic_timer -> VIRQ_TIMER
    uint64_t periodic_period_ns = 0;       ///< 0: periodic timer off
    // ---- event channels (common/event) ----
    uint32_t virq_to_port[24] = {}; ///< NR_VIRQS; 0 = not bound
    std::atomic<uint32_t> poll_port{0}; ///< SCHEDOP_poll: 0 none, ~0u any port, else that port
    Timer poll_timer;                   ///< SCHEDOP_poll timeout
};

struct Domain {
    Domid domid = 0;
    char name[64] = {};
    unsigned max_vcpus = 0;
    Vcpu* vcpus[max_vcpus_per_domain] = {};
    arch::P2m p2m;
    /// Serialises every change of `p2m` (the one writer, common/mm/p2m.hpp)
    /// and the lookups other pCPUs make (guest copies, granted frames).
    /// A leaf lock.
    RwLock p2m_lock;
    /// What keeps the owners of d's map_foreign entries alive, per gfn
    /// (common/mm/foreign_maps.hpp); under p2m_lock.
    ForeignMaps foreign_maps;
    uint64_t max_pages = 0;
    /// Xen's d->outstanding_pages: pages claimed for d (XENMEM_claim_pages)
    /// and not yet populated; changed under the page allocator's lock
    /// (common/mm/claim.hpp).
    std::atomic<uint64_t> outstanding_pages{0};
    std::atomic<unsigned> pause_count{0}; ///< > 0: no vCPU of the domain is scheduled (Xen's domain_pause)
    /// Xen's controller_pause_count: the pauses XEN_DOMCTL_pausedomain took
    /// (each also one of pause_count), at most 255; getdomaininfo's
    /// `paused`. A domain a controller creates starts at 1 (createdomain).
    std::atomic<int> controller_pause_count{0};
    /// Xen's d->creation_finished: the controller's count first dropped to
    /// 0 (XEN_DOMCTL_unpausedomain). From then on the ops that only apply
    /// while a domain is being built (set_cpu_policy...) refuse with -EEXIST.
    std::atomic<bool> creation_finished{false};
    /// Xen's d->options: the XEN_DOMCTL_CDF_* flags it was created with
    /// (XEN_DOMCTL_createdomain; 0 for boot-built domains).
    uint32_t options = 0;
    /// Xen's max_grant_version (createdomain's grant_opts; x86's default 2).
    unsigned max_grant_version = 2;
    /// Xen's d->node_affinity / auto_node_affinity (XEN_DOMCTL_setnodeaffinity):
    /// a map of MAX_NUMNODES (64) nodes; cxen has one node and places
    /// nothing by it, so it is only recorded.
    uint64_t node_affinity = ~0ull;
    bool auto_node_affinity = true;
    /// Xen's d->time_offset (XEN_DOMCTL_settimeoffset): seconds added to
    /// the wallclock in d's shared_info (and its RTC, which PVH has not).
    int64_t time_offset_seconds = 0;
    /// The TSC settings of XEN_DOMCTL_settscinfo (Xen's d->arch.tsc_mode,
    /// tsc_khz, incarnation, vtsc, vtsc_offset): recorded as Xen computes
    /// them; cxen always gives guests the host's TSC (see control-domain.md).
    struct TscInfo {
        uint32_t mode = 0;            ///< TSC_MODE_* (public/domctl.h)
        uint32_t khz = 0;             ///< 0: the host's (cpu_khz) until settscinfo
        uint32_t incarnation = 0;     ///< settscinfo's + 1
        bool vtsc = false;            ///< Xen would emulate the TSC
        uint64_t vtsc_offset_ns = 0;  ///< system time at the guest's TSC 0
    } tsc;
    /// XEN_DOMCTL_set_cpu_policy's policy (none: cxen's default CPUID).
    DomainCpuPolicy cpu_policy;
    /// Xen's d->handle: the toolstack's UUID of the domain
    /// (XEN_DOMCTL_setdomainhandle; getdomaininfo, XENVER_guest_handle).
    uint8_t handle[16] = {};
    void* sched_priv = nullptr; ///< the scheduler policy's per-domain data (common/sched)
    /// Xen's is_shut_down: domain_shutdown() ran (the first call wins).
    std::atomic<bool> is_shutdown{false};
    ShutdownReason shutdown_reason = ShutdownReason::poweroff;
    /// Xen's is_dying != DOMDYING_alive: domain_kill() started. Nothing
    /// binds, runs or is created in the domain from then on.
    std::atomic<bool> is_dying{false};
    /// Xen's DOMDYING_dead: domain_kill() finished; only the Domain is left.
    std::atomic<bool> is_dead{false};
    /// The owner's policy when the domain shuts down (called once, by
    /// domain_shutdown(), after the domain is shut down): the boot-time
    /// builder's reaper (common/boot/dom0less.hpp); nullptr for a domain a
    /// controller destroys with domain_kill().
    void (*on_shutdown)(Domain&) = nullptr;
    // ---- domain_kill() progress ----
    std::atomic<bool> kill_busy{false}; ///< a domain_kill() step is under way
    uint8_t kill_stage = 0;             ///< the next step (domain.cpp)
    /// What keeps a dead domain listed: the table's own (dropped by
    /// domain_kill() at the end) + one per domain_hold().
    std::atomic<uint32_t> holds{1};
    bool listed = false;     ///< in the domain table (domain_create() succeeded)
    bool report_gone = true; ///< counts for the verdict hook when it leaves (not a failed build)
    /// References (see "Lifetime" above); 1 is the domain table's.
    std::atomic<uint32_t> refcnt{1};
    SpinLock console_lock;       ///< console_line/len: console_io on any pCPU, the PV console timer
    char console_line[256] = {}; ///< partial console line awaiting its newline
    unsigned console_len = 0;
    LogRateLimit log_ratelimit;  ///< what d makes the hypervisor print (guest_log.hpp)

    // ---- guest-shared state (memory_op, hvm_op) ----
    ::shared_info* shared_info = nullptr; ///< hypervisor-owned page (XENMAPSPACE_shared_info)
    uint64_t hvm_params[39] = {};              ///< HVM_NR_PARAMS (public/hvm/params.h)
    /// Xen's d->shutdown_code: SHUTDOWN_CODE_INVALID (~0u) until
    /// SCHEDOP_shutdown_code or the first domain_shutdown() sets it; it is
    /// the reason a shutdown reports, and getdomaininfo shifts it into
    /// `flags` whole (so a live domain's flags carry 0xffff0000, as Xen's).
    /// Atomic: SCHEDOP_shutdown_code and domain_shutdown() may race (the
    /// first to replace ~0u wins, as under Xen's shutdown_lock).
    std::atomic<unsigned> shutdown_code{~0u};
    uint64_t shared_info_gfn = ~0ull;          ///< where the guest mapped shared_info (~0: nowhere)
    unsigned long vm_assist = 0;               ///< VMASST_TYPE_* bits enabled (vm_assist hypercall)
    DomainE820 e820; ///< the guest's memory map (XENMEM_memory_map), set by a builder (common/mm/domain_e820.hpp)
    // ---- event channels and grant tables ----
    EvtchnDomain* evtchn = nullptr;
    GrantTable* gnttab = nullptr;
    PvConsole* pv_console = nullptr;     ///< the hypervisor serves d's console ring (pv_console.hpp)
    uint32_t max_evtchn_ports = 1023;    ///< xl.cfg max_event_channels
    uint32_t max_grant_frames = 64;      ///< xl.cfg max_grant_frames
    uint32_t max_maptrack_frames = 1024; ///< xl.cfg max_maptrack_frames

    // ---- privilege, as the XSM hooks see it (common/xsm/xsm.hpp) ----
    /// Xen's d->is_privileged: the control domain (is_control_domain()).
    /// Set for dom0 when it is built (arch/x86/pvh/dom0_build.cpp).
    bool is_privileged = false;
    /// Xen's d->target: the domain d is the device model of; d may then do
    /// what the XSM_DM_PRIV and XSM_TARGET hooks allow over it. Set by
    /// XEN_DOMCTL_set_target (not yet), which takes a reference
    /// on it that d drops when it is freed, as Xen's set_target.
    Domain* target = nullptr;
};

/// Create a domain with room for max_vcpus vCPUs (none created yet) and
/// event-channel ports up to max_evtchn_ports (xl.cfg max_event_channels,
/// Xen's max_evtchn_port: the highest port number, default 1023).
/// Grant tables get max_grant_frames / max_maptrack_frames (xl.cfg; Xen's
/// defaults 64 / 1024, also cxen's caps: more is -EINVAL, as in Xen).
/// Errors: -EEXIST domid in use, -EINVAL bad domid, vCPU count or grant
/// limits, -ENOMEM.
/// `opts` carries what only XEN_DOMCTL_createdomain sets (common/
/// hypercall/domctl_createdomain.cpp); its defaults are a boot-built domain's.
struct DomainCreateOptions {
    uint32_t options = 0;            ///< XEN_DOMCTL_CDF_* (Domain::options)
    unsigned max_grant_version = 2;  ///< 1 or 2 (grant_opts)
    /// Xen's domain_create(): listed already paused by the controller
    /// (controller_pause_count 1 and one domain_pause()).
    bool controller_paused = false;
    const uint8_t* handle = nullptr; ///< 16 bytes, or nullptr for zeros
};
[[nodiscard]] Result<Domain*> domain_create(Domid domid, const char* name, unsigned max_vcpus,
                                            uint32_t max_evtchn_ports = 1023, uint32_t max_grant_frames = 64,
                                            uint32_t max_maptrack_frames = 1024,
                                            const DomainCreateOptions& opts = {});
/// Create vCPU `id` of d on pCPU `cpu`, in the offline state, with its
/// arch state (arch::vcpu_arch_create(): down, no registers yet). Its hard
/// and soft affinity are every pCPU; the scheduler keeps it on `cpu`
/// unless its affinity or the policy moves it. Errors: -EINVAL, -ENOMEM,
/// -ENODEV (no SVM).
[[nodiscard]] Result<Vcpu*> vcpu_create(Domain& d, unsigned id, unsigned cpu);
/// Xen's domain_shutdown(): record the reason, log it, pause every vCPU
/// (those running stop at their next exit), mark d shut down, raise
/// VIRQ_DOM_EXC in the control domain (if any), then d.on_shutdown(d). The
/// first shutdown wins; later calls do nothing. d keeps all it has.
void domain_shutdown(Domain& d, ShutdownReason reason);
/// Xen's domain_kill(): destroy d, a step at a time. The first step pauses
/// d, marks it dying and takes its vCPUs off the run queues; the next ones
/// wait for no vCPU to be on a pCPU, then close its ports, free its vCPUs,
/// its RAM (frames other domains still map are freed at their last unmap),
/// its grant table and shared_info, mark it dead and raise VIRQ_DOM_EXC in
/// the control domain. 0: dead (also when called again); -ERESTART: not
/// finished (a vCPU still on a pCPU, another step of it under way, or work
/// pending on this pCPU if `preemptible`): call again later. A dead domain
/// stays listed (dying, its ID taken) while domain_hold()s remain, then
/// leaves the table, raising VIRQ_DOM_EXC again. d may be shut down or not.
/// Unlike Xen, no "current domain" check (-EINVAL): the caller is the
/// hypervisor (the boot-time reaper) until a controller exists.
[[nodiscard]] Status domain_kill(Domain& d, bool preemptible = true);
/// The first step of domain_kill() alone: pause, mark dying, vCPUs off
/// their run queues (those on a pCPU leave at their next exit). Cheap and
/// safe from any context (a crash path, a hypercall of d itself).
void domain_kill_begin(Domain& d);
/// Something outside d references one of its pages (another domain's
/// grant mapping of d's grants, a foreign entry mapping d's frame): keep d listed as dying once dead, with a
/// reference, until domain_unhold(). False if d is already gone.
[[nodiscard]] bool domain_hold(Domain& d);
void domain_unhold(Domain& d);
/// Stop scheduling d's vCPUs (nests: each pause needs an unpause), as Xen's
/// domain_pause_nosync(): vCPUs running now stop at their next exit.
void domain_pause(Domain& d);
/// Undo one domain_pause(); at zero the vCPUs are scheduled again.
void domain_unpause(Domain& d);
inline bool domain_is_paused(const Domain& d) { return d.pause_count.load() != 0; }
/// Crash d alone, saying why (a triple fault, an invalid state ...).
void domain_crash(Domain& d, const char* why);
/// The domain with this ID, unreferenced: only for a domain that cannot
/// be destroyed meanwhile (the caller's own) or a pointer that is only
/// compared. An op that names a domain uses domain_ref_by_any_id() & co.
Domain* domain_by_id(Domid domid);
/// The domain called `name`, or nullptr (names are unique when not empty, as libxl's).
/// An empty name names no domain: toolstack-created domains are nameless
/// here (their names live in xenstore, where `xl list` reads them).
Domain* domain_by_name(const char* name);
/// Xen's get_domain(): take a reference to d, which the caller knows to be
/// alive (found in the table under its lock, or reached through a channel
/// under a lock its destruction needs). False once the last reference went.
[[nodiscard]] bool get_domain(Domain& d);
/// Drop a reference; the last one frees the Domain and its port table.
void put_domain(Domain& d);
/// Xen's get_domain_by_id(): the domain with a reference taken, or nullptr
/// (no such domain, or being destroyed). put_domain() it.
[[nodiscard]] Domain* get_domain_by_id(Domid domid);

/// The existing domain with the lowest ID at or above `first`, with a
/// reference taken, or nullptr: Xen's walk of its sorted domain list in
/// XEN_DOMCTL_getdomaininfo / XEN_SYSCTL_getdomaininfolist. put_domain() it.
[[nodiscard]] Domain* get_domain_from_id(Domid first);

/// A reference held for a scope (get_domain_by_id() + put_domain()).
class DomainRef {
  public:
    DomainRef() = default;
    /// Adopts a reference already taken (as get_domain_by_id() returns).
    explicit DomainRef(Domain* d) : d_(d) {}
    ~DomainRef() { reset(); }
    DomainRef(const DomainRef&) = delete;
    DomainRef& operator=(const DomainRef&) = delete;
    Domain* get() const { return d_; }
    explicit operator bool() const { return d_ != nullptr; }
    void reset(Domain* d = nullptr) {
        if (d_) put_domain(*d_);
        d_ = d;
    }
    /// Hand the reference over to the caller (who put_domain()s it).
    [[nodiscard]] Domain* release() {
        Domain* d = d_;
        d_ = nullptr;
        return d;
    }

  private:
    Domain* d_ = nullptr;
};
// ---- the lookup of a domain an op names (Xen's rcu_lock_*domain_by_*id) ----
// Each takes a reference (held in `out` until it is reset or destroyed), so
// the Domain stays allocated while the op uses it, dying or not: cxen has no
// RCU read lock to keep it. A domain being shut down (is_dying) is found,
// as in Xen, until domain_destroy() drops it from the table; the ops refuse
// it where Xen does. The privilege check is the XSM hook's (common/xsm).

/// Xen's rcu_lock_domain_by_id(): the domain with this ID. -ESRCH if there
/// is none (DOMID_SELF and the other reserved IDs name none here).
[[nodiscard]] Status domain_ref_by_id(Domid domid, DomainRef& out);
/// Xen's rcu_lock_domain_by_any_id(): as domain_ref_by_id(), DOMID_SELF
/// being the caller's own domain `cur`. -ESRCH.
[[nodiscard]] Status domain_ref_by_any_id(Domain& cur, Domid domid, DomainRef& out);
/// Xen's rcu_lock_remote_domain_by_id(): another domain than `cur`.
/// -ESRCH no such domain (DOMID_SELF included), -EPERM it is `cur`.
[[nodiscard]] Status domain_ref_remote_by_id(Domain& cur, Domid domid, DomainRef& out);
/// Xen's rcu_lock_live_remote_domain_by_id(): as domain_ref_remote_by_id(),
/// and -EINVAL if that domain is dying.
[[nodiscard]] Status domain_ref_live_remote_by_id(Domain& cur, Domid domid, DomainRef& out);

/// domain_kill() to the end at once, without preemption and without
/// waiting for vCPUs: only for domains none of whose vCPUs can be on a
/// pCPU (host tests, a failed build). d leaves the table now unless held.
void domain_destroy(Domain& d);
/// Undo a domain whose build failed, at once: its RAM, vCPUs, ports and
/// grant table are returned before the next domain is built (libxl
/// destroys a domain it failed to build). None of its vCPUs ever ran. Not
/// a shutdown: no shutdown is logged and the run's verdict hook is not
/// called even if no domain is left (the builder reports the failure).
void domain_destroy_failed_build(Domain& d);
/// Number of domains listed (alive, shut down, dying or dead but held).
unsigned nr_domains();
/// Xen's hardware/control domain for VIRQ_DOM_EXC: the first privileged
/// domain listed and not dying, with a reference, or nullptr.
[[nodiscard]] Domain* get_control_domain();

/// Called when the last domain is gone: the verdict of a boot-module run.
using AllDomainsGoneHook = void (*)(bool all_powered_off);
void set_all_domains_gone_hook(AllDomainsGoneHook hook);

/// Append guest console bytes; complete lines go to the log as "(dN) ...",
/// at most 254 characters each, within d's rate limit (guest_log.hpp).
/// Bytes other than printable ASCII and tab are dropped, as in Xen's
/// guest_console_write.
void domain_console_write(Domain& d, const char* s, size_t len);

} // namespace cxen
