// The XSM hooks under the dummy policy (common/xsm), each against Xen 4.17's
// xsm/dummy.h: the acting domain on itself, on another domU, as the control
// domain, over a dying domain and as the device model of its target; then
// the ops that ask them, for the errno Xen returns where the lookup or the
// op itself answers before the hook (-ESRCH, -EINVAL, GNTST_bad_domain).
#include "abi/xen/sysctl.hpp" // first: it needs the headers' own order
#include "common/xsm/xsm.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/event/evtchn.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "arch/time.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

// ---- the hooks themselves ----

/// One hook, called as its op calls it: `src` acts, `d` is the domain the
/// op names (hooks of one domain are called with src only).
struct Hook {
    const char* name;
    XsmDefault action;
    Status (*call)(const Domain& src, const Domain& d);
};

const Hook hooks[] = {
    {"evtchn_unbound", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_evtchn_unbound(XSM_TARGET, s, d); }},
    {"evtchn_interdomain", XsmDefault::hook,
     [](const Domain& s, const Domain& d) { return xsm_evtchn_interdomain(XSM_HOOK, s, d); }},
    {"evtchn_send", XsmDefault::hook, [](const Domain& s, const Domain&) { return xsm_evtchn_send(XSM_HOOK, s); }},
    {"evtchn_status", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_evtchn_status(XSM_TARGET, s, d); }},
    {"evtchn_reset", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_evtchn_reset(XSM_TARGET, s, d); }},
    {"grant_mapref", XsmDefault::hook,
     [](const Domain& s, const Domain& d) { return xsm_grant_mapref(XSM_HOOK, s, d); }},
    {"grant_unmapref", XsmDefault::hook,
     [](const Domain& s, const Domain& d) { return xsm_grant_unmapref(XSM_HOOK, s, d); }},
    {"grant_copy", XsmDefault::hook, [](const Domain& s, const Domain& d) { return xsm_grant_copy(XSM_HOOK, s, d); }},
    {"grant_setup", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_grant_setup(XSM_TARGET, s, d); }},
    {"grant_query_size", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_grant_query_size(XSM_TARGET, s, d); }},
    {"memory_adjust_reservation", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_memory_adjust_reservation(XSM_TARGET, s, d); }},
    {"memory_stat_reservation", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_memory_stat_reservation(XSM_TARGET, s, d); }},
    {"add_to_physmap", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_add_to_physmap(XSM_TARGET, s, d); }},
    {"remove_from_physmap", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_remove_from_physmap(XSM_TARGET, s, d); }},
    {"map_gmfn_foreign", XsmDefault::target,
     [](const Domain& s, const Domain& d) { return xsm_map_gmfn_foreign(XSM_TARGET, s, d); }},
    {"domain_resource_map", XsmDefault::dm_priv,
     [](const Domain& s, const Domain& d) { return xsm_domain_resource_map(XSM_DM_PRIV, s, d); }},
    {"hvm_param", XsmDefault::target, [](const Domain& s, const Domain& d) { return xsm_hvm_param(XSM_TARGET, s, d); }},
    {"schedop_shutdown", XsmDefault::dm_priv,
     [](const Domain& s, const Domain& d) { return xsm_schedop_shutdown(XSM_DM_PRIV, s, d); }},
    {"sysctl", XsmDefault::priv, [](const Domain& s, const Domain&) { return xsm_sysctl(XSM_PRIV, s); }},
};

Errno verdict(const Status& st) { return st ? Errno{} : st.error(); }

class XsmHookTest : public ::testing::TestWithParam<Hook> {
  protected:
    Domain self, other, control, dm;
    void SetUp() override {
        self.domid = 1;
        other.domid = 2;
        control.domid = 0;
        control.is_privileged = true;
        dm.domid = 3;
        dm.target = &self; // dm is the device model of `self`
    }
    const Hook& h() const { return GetParam(); }
    /// What a domU acting on another domain gets: only XSM_HOOK passes.
    Errno domu_on_other() const { return h().action == XsmDefault::hook ? Errno{} : Errno::XEN_EPERM; }
};

TEST_P(XsmHookTest, OnItself) {
    // XSM_TARGET on itself; XSM_DM_PRIV and XSM_PRIV never for a domU, not
    // even on itself (SCHEDOP_remote_shutdown of itself is -EPERM in Xen).
    const bool allowed = h().action == XsmDefault::hook || h().action == XsmDefault::target;
    EXPECT_EQ(verdict(h().call(self, self)), allowed ? Errno{} : Errno::XEN_EPERM) << h().name;
}

TEST_P(XsmHookTest, AnotherDomUIsRefused) {
    EXPECT_EQ(verdict(h().call(self, other)), domu_on_other()) << h().name;
    EXPECT_EQ(verdict(h().call(other, self)), domu_on_other()) << h().name;
}

TEST_P(XsmHookTest, TheControlDomainIsAllowedEverything) {
    EXPECT_TRUE(h().call(control, other).ok()) << h().name;
    EXPECT_TRUE(h().call(control, control).ok()) << h().name;
    control.is_privileged = false; // the same domain without the flag is a domU
    EXPECT_EQ(verdict(h().call(control, other)), domu_on_other()) << h().name;
}

TEST_P(XsmHookTest, DyingDomainsAreJudgedAsLiveOnes) {
    // The hooks do not look at is_dying (the ops refuse a dying domain
    // where Xen does): a dying target or a dying control domain changes
    // nothing.
    other.is_dying = true;
    EXPECT_EQ(verdict(h().call(self, other)), domu_on_other()) << h().name;
    EXPECT_TRUE(h().call(control, other).ok()) << h().name;
    control.is_dying = true;
    EXPECT_TRUE(h().call(control, other).ok()) << h().name;
    self.is_dying = true;
    const bool on_self = h().action == XsmDefault::hook || h().action == XsmDefault::target;
    EXPECT_EQ(verdict(h().call(self, self)), on_self ? Errno{} : Errno::XEN_EPERM) << h().name;
}

TEST_P(XsmHookTest, TheDeviceModelActsOnItsTargetOnly) {
    // XSM_TARGET and XSM_DM_PRIV pass for src->target == the named domain;
    // XSM_PRIV does not; the hooks of one domain (send, sysctl) name none.
    const bool names_target = std::string(h().name) != "evtchn_send" && std::string(h().name) != "sysctl";
    const bool allowed = h().action == XsmDefault::hook ||
                         (names_target && (h().action == XsmDefault::target || h().action == XsmDefault::dm_priv));
    EXPECT_EQ(verdict(h().call(dm, self)), allowed ? Errno{} : Errno::XEN_EPERM) << h().name;
    EXPECT_EQ(verdict(h().call(dm, other)), domu_on_other()) << h().name << ": not the dm of `other`";
}

INSTANTIATE_TEST_SUITE_P(EveryHook, XsmHookTest, ::testing::ValuesIn(hooks),
                         [](const ::testing::TestParamInfo<Hook>& i) { return std::string(i.param.name); });

TEST(XsmDefaultAction, AsXensSwitch) {
    Domain a, b, priv;
    priv.is_privileged = true;
    EXPECT_TRUE(xsm_default_action(XsmDefault::hook, a, nullptr).ok());
    EXPECT_TRUE(xsm_default_action(XsmDefault::target, a, &a).ok());
    EXPECT_EQ(xsm_default_action(XsmDefault::target, a, &b).error(), Errno::XEN_EPERM);
    // XSM_XS_PRIV does not pass on "self" (its label is inside XSM_TARGET's
    // block, after the return), and there is no xenstore domain.
    EXPECT_EQ(xsm_default_action(XsmDefault::xs_priv, a, &a).error(), Errno::XEN_EPERM);
    EXPECT_TRUE(xsm_default_action(XsmDefault::xs_priv, priv, &a).ok());
    a.target = &b;
    EXPECT_TRUE(xsm_default_action(XsmDefault::xs_priv, a, &b).ok());
    EXPECT_TRUE(xsm_default_action(XsmDefault::dm_priv, a, &b).ok());
    // No target named: a device model is nobody's.
    EXPECT_EQ(xsm_default_action(XsmDefault::dm_priv, a, nullptr).error(), Errno::XEN_EPERM);
    EXPECT_EQ(xsm_default_action(XsmDefault::priv, a, &b).error(), Errno::XEN_EPERM);
    EXPECT_TRUE(xsm_default_action(XsmDefault::priv, priv, nullptr).ok());
}

// ---- the referenced lookups ----

test::HostPageSource host_pages;

class XsmOpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        timers_init_cpu(0); // the reaper's pCPU
        arch::fake_now_ns = 1'000'000;
        d1 = make(1);
        d2 = make(2);
        ctl = make(5);
        ctl->is_privileged = true;
        arch::fake_guest_memory().assign(0x10000, 0);
    }
    void TearDown() override {
        for (Domain* d : doms) d->target = nullptr; // the tests took no reference for it
        for (Domain* d : doms) domain_destroy(*d);
        timers_destroy_cpu(0);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    Domain* make(Domid id) {
        auto d = domain_create(id, "xsm", 1);
        EXPECT_TRUE(d.ok());
        EXPECT_TRUE(vcpu_create(*d.value(), 0, 0).ok());
        doms.push_back(d.value());
        return d.value();
    }
    Vcpu& v(Domain* d) { return *d->vcpus[0]; }
    template <typename T> void put(uint64_t gva, const T& t) {
        std::memcpy(arch::fake_guest_memory().data() + gva, &t, sizeof(t));
    }
    template <typename T> T get(uint64_t gva) {
        T t;
        std::memcpy(&t, arch::fake_guest_memory().data() + gva, sizeof(t));
        return t;
    }
    static constexpr uint64_t args = 0x1000;
    static long neg(Errno e) { return -static_cast<long>(e); }
    std::vector<Domain*> doms;
    Domain *d1, *d2, *ctl;
};

TEST_F(XsmOpTest, LookupsTakeAReferenceAndAnswerAsXen) {
    const uint32_t before = d2->refcnt.load();
    {
        DomainRef r;
        ASSERT_TRUE(domain_ref_by_id(2, r).ok());
        EXPECT_EQ(r.get(), d2);
        EXPECT_EQ(d2->refcnt.load(), before + 1) << "held while the op runs";
    }
    EXPECT_EQ(d2->refcnt.load(), before);
    DomainRef r;
    EXPECT_EQ(domain_ref_by_id(DOMID_SELF, r).error(), Errno::XEN_ESRCH);
    EXPECT_EQ(domain_ref_by_id(99, r).error(), Errno::XEN_ESRCH);
    ASSERT_TRUE(domain_ref_by_any_id(*d1, DOMID_SELF, r).ok());
    EXPECT_EQ(r.get(), d1);
    ASSERT_TRUE(domain_ref_by_any_id(*d1, 2, r).ok());
    EXPECT_EQ(r.get(), d2);
    EXPECT_EQ(domain_ref_remote_by_id(*d1, 1, r).error(), Errno::XEN_EPERM);
    EXPECT_FALSE(r);
    EXPECT_EQ(domain_ref_remote_by_id(*d1, DOMID_SELF, r).error(), Errno::XEN_ESRCH);
    d2->is_dying = true; // still listed: found, as Xen's rcu_lock_domain_by_id()
    ASSERT_TRUE(domain_ref_by_id(2, r).ok());
    EXPECT_EQ(domain_ref_live_remote_by_id(*d1, 2, r).error(), Errno::XEN_EINVAL);
    EXPECT_FALSE(r);
    r.reset();
    EXPECT_EQ(d2->refcnt.load(), before);
}

TEST_F(XsmOpTest, ReferenceKeepsADestroyedDomainAllocated) {
    DomainRef r;
    ASSERT_TRUE(domain_ref_by_id(2, r).ok());
    domain_destroy(*d2);
    std::erase(doms, d2);
    EXPECT_EQ(r.get()->domid, 2u) << "still readable (ASan would catch a use after free)";
    DomainRef again;
    EXPECT_EQ(domain_ref_by_id(2, again).error(), Errno::XEN_ESRCH) << "no longer listed";
}

// ---- event channels ----

TEST_F(XsmOpTest, EvtchnAllocUnbound) {
    evtchn_alloc_unbound_t a{2, DOMID_SELF, 0};
    EXPECT_EQ(evtchn_alloc_unbound(*d1, a).error(), Errno::XEN_EPERM);
    a.dom = 99;
    EXPECT_EQ(evtchn_alloc_unbound(*d1, a).error(), Errno::XEN_ESRCH);
    a.dom = DOMID_SELF;
    EXPECT_TRUE(evtchn_alloc_unbound(*d1, a).ok());
    a = {2, DOMID_SELF, 0};
    ASSERT_TRUE(evtchn_alloc_unbound(*ctl, a).ok()) << "the control domain allocates in d2";
    evtchn_status_t s{};
    s.dom = DOMID_SELF;
    s.port = a.port;
    ASSERT_TRUE(evtchn_status(*d2, s).ok());
    EXPECT_EQ(s.u.unbound.dom, 5u) << "DOMID_SELF is the caller, not d2";
    d1->target = d2;
    a = {2, 2, 0};
    EXPECT_TRUE(evtchn_alloc_unbound(*d1, a).ok()) << "the device model of d2";
    d1->target = nullptr;
    d2->is_dying = true; // Xen looks for a port first: a dying domain has none
    a = {2, 1, 0};
    EXPECT_EQ(evtchn_alloc_unbound(*d1, a).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(evtchn_alloc_unbound(*ctl, a).error(), Errno::XEN_EINVAL);
}

TEST_F(XsmOpTest, EvtchnBindInterdomainIsTheUnboundPortsChoice) {
    evtchn_alloc_unbound_t a{DOMID_SELF, 1, 0};
    ASSERT_TRUE(evtchn_alloc_unbound(*d2, a).ok());
    evtchn_bind_interdomain_t b{2, a.port, 0};
    EXPECT_TRUE(evtchn_bind_interdomain(*d1, b).ok()) << "XSM_HOOK: d2 named d1";
    b = {99, 1, 0};
    EXPECT_EQ(evtchn_bind_interdomain(*d1, b).error(), Errno::XEN_ESRCH);
    ASSERT_TRUE(evtchn_alloc_unbound(*d2, a).ok());
    b = {2, a.port, 0};
    EXPECT_EQ(evtchn_bind_interdomain(*ctl, b).error(), Errno::XEN_EINVAL) << "named for d1, not ctl";
}

TEST_F(XsmOpTest, EvtchnStatus) {
    evtchn_status_t s{};
    s.dom = 2;
    s.port = 1;
    evtchn_alloc_unbound_t a{DOMID_SELF, 1, 0};
    ASSERT_TRUE(evtchn_alloc_unbound(*d2, a).ok());
    EXPECT_EQ(evtchn_status(*d1, s).error(), Errno::XEN_EPERM);
    s.port = 4000; // the port is checked before the hook, as Xen
    EXPECT_EQ(evtchn_status(*d1, s).error(), Errno::XEN_EINVAL);
    s.dom = 99;
    EXPECT_EQ(evtchn_status(*d1, s).error(), Errno::XEN_ESRCH);
    s.dom = 2;
    s.port = a.port;
    ASSERT_TRUE(evtchn_status(*ctl, s).ok());
    EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
    d1->target = d2;
    EXPECT_TRUE(evtchn_status(*d1, s).ok()) << "the device model of d2";
    d2->is_dying = true;
    EXPECT_TRUE(evtchn_status(*ctl, s).ok()) << "a dying domain's ports can be looked at";
}

TEST_F(XsmOpTest, EvtchnReset) {
    EXPECT_EQ(evtchn_reset(*d1, 2).error(), Errno::XEN_EPERM);
    EXPECT_EQ(evtchn_reset(*d1, 99).error(), Errno::XEN_ESRCH);
    // Allowed, but Xen resets another domain only if its controller paused
    // it (cxen has no controller pause yet): -EINVAL.
    EXPECT_EQ(evtchn_reset(*ctl, 2).error(), Errno::XEN_EINVAL);
    d1->target = d2;
    EXPECT_EQ(evtchn_reset(*d1, 2).error(), Errno::XEN_EINVAL);
    EXPECT_TRUE(evtchn_reset(*d1, DOMID_SELF).ok());
}

// ---- grant tables ----

bool collect(void*, uint32_t, uint64_t) { return true; }

TEST_F(XsmOpTest, GrantSetupAndStatusFrames) {
    gnttab_setup_table_t op{};
    op.dom = 2;
    op.nr_frames = 1;
    gnttab_setup_table(*d1, op, collect, nullptr);
    EXPECT_EQ(op.status, GNTST_permission_denied);
    op.dom = 99;
    gnttab_setup_table(*d1, op, collect, nullptr);
    EXPECT_EQ(op.status, GNTST_bad_domain);
    op.dom = 2;
    gnttab_setup_table(*ctl, op, collect, nullptr);
    EXPECT_EQ(op.status, GNTST_okay);
    d1->target = d2;
    gnttab_setup_table(*d1, op, collect, nullptr);
    EXPECT_EQ(op.status, GNTST_okay) << "the device model of d2";
    gnttab_get_status_frames_t sf{};
    sf.dom = 2;
    sf.nr_frames = 0;
    d1->target = nullptr;
    gnttab_get_status_frames(*d1, sf, collect, nullptr);
    EXPECT_EQ(sf.status, GNTST_permission_denied);
    gnttab_get_status_frames(*ctl, sf, collect, nullptr);
    EXPECT_EQ(sf.status, GNTST_okay);
}

TEST_F(XsmOpTest, GrantQuerySizeAndGetVersion) {
    gnttab_query_size_t q{};
    q.dom = 2;
    gnttab_query_size(*d1, q);
    EXPECT_EQ(q.status, GNTST_permission_denied);
    q.dom = DOMID_SELF;
    gnttab_query_size(*d1, q);
    EXPECT_EQ(q.status, GNTST_okay);
    q.dom = 2;
    gnttab_query_size(*ctl, q);
    EXPECT_EQ(q.status, GNTST_okay);
    EXPECT_EQ(q.max_nr_frames, d2->max_grant_frames);
    gnttab_get_version_t gv{};
    gv.dom = 2;
    EXPECT_EQ(gnttab_get_version(*d1, gv).error(), Errno::XEN_EPERM);
    gv.dom = 99;
    EXPECT_EQ(gnttab_get_version(*d1, gv).error(), Errno::XEN_ESRCH);
    gv.dom = 2;
    ASSERT_TRUE(gnttab_get_version(*ctl, gv).ok());
    EXPECT_EQ(gv.version, 1u);
    d1->target = d2;
    d2->is_dying = true;
    EXPECT_TRUE(gnttab_get_version(*d1, gv).ok()) << "the device model of a dying d2";
}

TEST_F(XsmOpTest, GrantMapNamesNoDomainWithDomidSelf) {
    gnttab_map_grant_ref_t op{};
    op.flags = GNTMAP_host_map;
    op.dom = DOMID_SELF;
    gnttab_map_grant_ref(*d1, op);
    EXPECT_EQ(op.status, GNTST_bad_domain);
    op.dom = 99;
    gnttab_map_grant_ref(*d1, op);
    EXPECT_EQ(op.status, GNTST_bad_domain);
    op.dom = 2; // XSM_HOOK: the grant entry decides (none here)
    op.ref = 100000;
    gnttab_map_grant_ref(*d1, op);
    EXPECT_EQ(op.status, GNTST_bad_gntref);
}

TEST_F(XsmOpTest, GrantCopyLooksUpBothSides) {
    gnttab_copy_t op{};
    op.flags = GNTCOPY_source_gref;
    op.source.domid = 99;
    op.dest.domid = DOMID_SELF;
    op.len = 8;
    gnttab_copy(*d1, op);
    EXPECT_EQ(op.status, GNTST_bad_domain);
    op.source.domid = 2; // XSM_HOOK: the grant decides (ref 100000 is none)
    op.source.u.ref = 100000;
    gnttab_copy(*d1, op);
    EXPECT_EQ(op.status, GNTST_bad_gntref);
    const uint32_t refs = d2->refcnt.load();
    gnttab_copy(*d1, op);
    EXPECT_EQ(d2->refcnt.load(), refs) << "every side's reference is dropped";
}

// ---- memory_op ----

TEST_F(XsmOpTest, MemoryStatReservation) {
    put(args, domid_t{2});
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_maximum_reservation, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    put(args, domid_t{99});
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_current_reservation, args, 0, 0, 0}}), neg(Errno::XEN_ESRCH));
    d2->max_pages = 77;
    put(args, domid_t{2});
    EXPECT_EQ(do_memory_op(v(*&ctl), HypercallArgs{{XENMEM_maximum_reservation, args, 0, 0, 0}}), 77);
    d1->target = d2;
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_maximum_reservation, args, 0, 0, 0}}), 77);
    put(args, domid_t{DOMID_SELF});
    d1->max_pages = 12;
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_maximum_reservation, args, 0, 0, 0}}), 12);
}

TEST_F(XsmOpTest, MemoryAdjustReservationOfAnotherDomainDoesNothing) {
    // The reservation ops answer the number of extents done: 0 when refused.
    constexpr uint64_t list = 0x2000;
    put(list, xen_pfn_t{0x10});
    xen_memory_reservation r{};
    set_xen_guest_handle(r.extent_start, reinterpret_cast<xen_pfn_t*>(list));
    r.nr_extents = 1;
    r.domid = 2;
    put(args, r);
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_decrease_reservation, args, 0, 0, 0}}), 0);
    r.domid = 99;
    put(args, r);
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_populate_physmap, args, 0, 0, 0}}), 0);
}

TEST_F(XsmOpTest, MemoryAddToPhysmap) {
    xen_add_to_physmap x{};
    x.domid = 2;
    x.space = XENMAPSPACE_shared_info;
    x.gpfn = 0x40;
    put(args, x);
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_add_to_physmap, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    EXPECT_EQ(d2->shared_info_gfn, ~0ull);
    x.domid = 99;
    put(args, x);
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_add_to_physmap, args, 0, 0, 0}}), neg(Errno::XEN_ESRCH));
    // XENMAPSPACE_dev_mmio is the hardware domain's (none): -EACCES first.
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_dev_mmio;
    put(args, x);
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_add_to_physmap, args, 0, 0, 0}}), neg(Errno::XEN_EACCES));
    // Allowed: gmfn is not implemented (-ENOSYS comes after the hook).
    x.domid = 2;
    x.space = XENMAPSPACE_gmfn;
    put(args, x);
    EXPECT_EQ(do_memory_op(v(ctl), HypercallArgs{{XENMEM_add_to_physmap, args, 0, 0, 0}}), neg(Errno::XEN_ENOSYS));
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_add_to_physmap, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    d1->target = d2;
    EXPECT_EQ(do_memory_op(v(d1), HypercallArgs{{XENMEM_add_to_physmap, args, 0, 0, 0}}), neg(Errno::XEN_ENOSYS));
}

// ---- hvm_op ----

TEST_F(XsmOpTest, HvmParams) {
    xen_hvm_param p{};
    p.domid = 2;
    p.index = HVM_PARAM_STORE_PFN;
    put(args, p);
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_get_param, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_set_param, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    p.domid = 99;
    put(args, p);
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_get_param, args, 0, 0, 0}}), neg(Errno::XEN_ESRCH));
    p.index = HVM_NR_PARAMS; // checked before the lookup, as Xen
    put(args, p);
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_get_param, args, 0, 0, 0}}), neg(Errno::XEN_EINVAL));
    // The control domain sets what a guest may not set in itself.
    p.domid = 2;
    p.index = HVM_PARAM_STORE_PFN;
    p.value = 0xfeff0;
    put(args, p);
    EXPECT_EQ(do_hvm_op(v(ctl), HypercallArgs{{HVMOP_set_param, args, 0, 0, 0}}), 0);
    EXPECT_EQ(d2->hvm_params[HVM_PARAM_STORE_PFN], 0xfeff0u);
    p.value = 0;
    put(args, p);
    d1->target = d2;
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_get_param, args, 0, 0, 0}}), 0) << "the device model of d2";
    EXPECT_EQ(get<xen_hvm_param>(args).value, 0xfeff0u);
    // A guest may not set STORE_PFN in itself, whoever else may.
    p.domid = DOMID_SELF;
    put(args, p);
    EXPECT_EQ(do_hvm_op(v(d2), HypercallArgs{{HVMOP_set_param, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
}

TEST_F(XsmOpTest, HvmPagetableDying) {
    xen_hvm_pagetable_dying a{};
    a.domid = DOMID_SELF;
    put(args, a);
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_pagetable_dying, args, 0, 0, 0}}), neg(Errno::XEN_EINVAL));
    a.domid = 2;
    put(args, a);
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_pagetable_dying, args, 0, 0, 0}}), neg(Errno::XEN_EOPNOTSUPP));
    a.domid = 99;
    put(args, a);
    EXPECT_EQ(do_hvm_op(v(d1), HypercallArgs{{HVMOP_pagetable_dying, args, 0, 0, 0}}), neg(Errno::XEN_ESRCH));
}

// ---- sched_op remote_shutdown, sysctl ----

TEST_F(XsmOpTest, RemoteShutdown) {
    sched_remote_shutdown rs{2, SHUTDOWN_poweroff};
    put(args, rs);
    EXPECT_EQ(do_sched_op(v(d1), HypercallArgs{{SCHEDOP_remote_shutdown, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    rs.domain_id = 1; // not even itself
    put(args, rs);
    EXPECT_EQ(do_sched_op(v(d1), HypercallArgs{{SCHEDOP_remote_shutdown, args, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    rs.domain_id = DOMID_SELF; // rcu_lock_domain_by_id(): no such domain
    put(args, rs);
    EXPECT_EQ(do_sched_op(v(d1), HypercallArgs{{SCHEDOP_remote_shutdown, args, 0, 0, 0}}), neg(Errno::XEN_ESRCH));
    rs.domain_id = 99;
    put(args, rs);
    EXPECT_EQ(do_sched_op(v(d1), HypercallArgs{{SCHEDOP_remote_shutdown, args, 0, 0, 0}}), neg(Errno::XEN_ESRCH));
    EXPECT_FALSE(d2->is_shutdown.load());
    d1->target = d2; // the device model of d2 may
    rs = {2, SHUTDOWN_reboot};
    put(args, rs);
    EXPECT_EQ(do_sched_op(v(d1), HypercallArgs{{SCHEDOP_remote_shutdown, args, 0, 0, 0}}), 0);
    EXPECT_TRUE(d2->is_shutdown.load());
    EXPECT_EQ(d2->shutdown_reason, ShutdownReason::reboot);
}

TEST_F(XsmOpTest, RemoteShutdownByTheControlDomain) {
    sched_remote_shutdown rs{2, SHUTDOWN_crash};
    put(args, rs);
    EXPECT_EQ(do_sched_op(v(ctl), HypercallArgs{{SCHEDOP_remote_shutdown, args, 0, 0, 0}}), 0);
    EXPECT_TRUE(d2->is_shutdown.load());
    EXPECT_EQ(d2->shutdown_reason, ShutdownReason::crash);
    EXPECT_FALSE(d1->is_shutdown.load());
}

TEST_F(XsmOpTest, SysctlIsTheControlDomains) {
    xen_sysctl op{};
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    put(args, op);
    EXPECT_EQ(do_sysctl(v(d1), HypercallArgs{{args, 0, 0, 0, 0}}), neg(Errno::XEN_EPERM));
    EXPECT_EQ(do_sysctl(v(ctl), HypercallArgs{{args, 0, 0, 0, 0}}), neg(Errno::XEN_ENOSYS));
}

} // namespace
} // namespace cxen
