// HVMOP_set_param / HVMOP_get_param across domains (common/hypercall/
// hvm_op.cpp), as Xen 4.17's hvm_allow_set_param() / hvm_set_param() /
// hvm_allow_get_param(): the control domain sets what libxl sets on a new
// PVH domU (libxl_x86.c, xg_dom_x86.c) and reads it back; the domU reads
// the few it may, is refused the rest, and cannot touch other domains.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;
constexpr long neg(Errno e) { return -static_cast<long>(e); }

class HvmParamTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        dom0 = domain_create(0, "dom0", 1).value();
        dom0->is_privileged = true;
        v0 = vcpu_create(*dom0, 0, 0).value();
        domu = domain_create(3, "domu", 1).value();
        vu = vcpu_create(*domu, 0, 0).value();
        other = domain_create(4, "other", 1).value();
    }
    void TearDown() override {
        domain_destroy(*other);
        domain_destroy(*domu);
        domain_destroy(*dom0);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static long set(Vcpu& v, domid_t domid, uint32_t index, uint64_t value) {
        xen_hvm_param p{};
        p.domid = domid;
        p.index = index;
        p.value = value;
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &p, sizeof(p));
        return do_hvm_op(v, HypercallArgs{{HVMOP_set_param, arg_gva, 0, 0, 0}});
    }
    /// get_param's result, or the error (as a negative value) in `rc`.
    static uint64_t get(Vcpu& v, domid_t domid, uint32_t index, long& rc) {
        xen_hvm_param p{};
        p.domid = domid;
        p.index = index;
        p.value = 0xdead;
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &p, sizeof(p));
        rc = do_hvm_op(v, HypercallArgs{{HVMOP_get_param, arg_gva, 0, 0, 0}});
        std::memcpy(&p, arch::fake_guest_memory().data() + arg_gva, sizeof(p));
        return p.value;
    }
    Domain *dom0 = nullptr, *domu = nullptr, *other = nullptr;
    Vcpu *v0 = nullptr, *vu = nullptr;
};

TEST_F(HvmParamTest, ToolstackSetsLibxlsParamsAndTheGuestReadsItsOwn) {
    // libxl__arch_domain_create, alloc_magic_pages_hvm, bootlate_hvm.
    const struct {
        uint32_t index;
        uint64_t value;
    } sets[] = {{HVM_PARAM_TIMER_MODE, HVMPTM_no_delay_for_missed_ticks},
                {HVM_PARAM_ALTP2M, 0},
                {HVM_PARAM_STORE_PFN, 0xfeffc},
                {HVM_PARAM_BUFIOREQ_PFN, 0xfeffb},
                {HVM_PARAM_IOREQ_PFN, 0xfeffd},
                {HVM_PARAM_CONSOLE_PFN, 0xfefff},
                {HVM_PARAM_PAGING_RING_PFN, 0xfeff8},
                {HVM_PARAM_MONITOR_RING_PFN, 0xfeff9},
                {HVM_PARAM_SHARING_RING_PFN, 0xfeffa},
                {HVM_PARAM_IDENT_PT, 0xfeffe000},
                {HVM_PARAM_CONSOLE_EVTCHN, 2},
                {HVM_PARAM_STORE_EVTCHN, 1}};
    for (const auto& s : sets) ASSERT_EQ(set(*v0, 3, s.index, s.value), 0) << s.index;
    long rc = 0;
    for (const auto& s : sets) {
        EXPECT_EQ(get(*v0, 3, s.index, rc), s.value) << s.index;
        EXPECT_EQ(rc, 0);
    }
    // What Linux's xenbus and hvc_xen read in the guest.
    EXPECT_EQ(get(*vu, DOMID_SELF, HVM_PARAM_STORE_PFN, rc), 0xfeffcu);
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(get(*vu, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, rc), 1u);
    EXPECT_EQ(get(*vu, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, rc), 0xfefffu);
    EXPECT_EQ(get(*vu, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, rc), 2u);
    EXPECT_EQ(rc, 0);
}

TEST_F(HvmParamTest, GuestIsRefusedToolstackParamsOnItselfAndEverythingOnOthers) {
    for (uint32_t index : {HVM_PARAM_STORE_PFN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_IOREQ_PFN, HVM_PARAM_IDENT_PT,
                           HVM_PARAM_TIMER_MODE, HVM_PARAM_PAGING_RING_PFN, HVM_PARAM_ACPI_S_STATE})
        EXPECT_EQ(set(*vu, DOMID_SELF, index, 1), neg(Errno::XEN_EPERM)) << index;
    long rc = 0;
    for (uint32_t index : {HVM_PARAM_IDENT_PT, HVM_PARAM_TIMER_MODE, HVM_PARAM_IOREQ_PFN}) {
        get(*vu, DOMID_SELF, index, rc);
        EXPECT_EQ(rc, neg(Errno::XEN_EPERM)) << index;
    }
    // Another domain: XSM_TARGET refuses even the guest-settable ones.
    EXPECT_EQ(set(*vu, 4, HVM_PARAM_STORE_EVTCHN, 1), neg(Errno::XEN_EPERM));
    EXPECT_EQ(set(*vu, 0, HVM_PARAM_CALLBACK_IRQ, 0), neg(Errno::XEN_EPERM));
    get(*vu, 4, HVM_PARAM_STORE_PFN, rc);
    EXPECT_EQ(rc, neg(Errno::XEN_EPERM));
    EXPECT_EQ(set(*v0, 777, HVM_PARAM_STORE_PFN, 1), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(set(*v0, 3, HVM_NR_PARAMS, 1), neg(Errno::XEN_EINVAL));
}

TEST_F(HvmParamTest, DeprecatedIndicesAreEinvalForEveryone) {
    long rc = 0;
    for (uint32_t index : {4u, 13u, 20u, 21u, 22u, 23u, 24u, 25u, 26u, 30u}) {
        EXPECT_EQ(set(*v0, 3, index, 0), neg(Errno::XEN_EINVAL)) << index;
        EXPECT_EQ(set(*vu, DOMID_SELF, index, 0), neg(Errno::XEN_EINVAL)) << index;
        get(*v0, 3, index, rc);
        EXPECT_EQ(rc, neg(Errno::XEN_EINVAL)) << index;
    }
}

TEST_F(HvmParamTest, SetOnceParamsAreEexistWhenChanged) {
    for (uint32_t index : {HVM_PARAM_IOREQ_PFN, HVM_PARAM_BUFIOREQ_PFN, HVM_PARAM_IOREQ_SERVER_PFN}) {
        ASSERT_EQ(set(*v0, 3, index, 0x100), 0) << index;
        EXPECT_EQ(set(*v0, 3, index, 0x100), 0) << index; // the same value again is fine
        EXPECT_EQ(set(*v0, 3, index, 0x200), neg(Errno::XEN_EEXIST)) << index;
        long rc = 0;
        EXPECT_EQ(get(*v0, 3, index, rc), 0x100u);
    }
    ASSERT_EQ(set(*v0, 3, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 2), 0);
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 3), neg(Errno::XEN_EEXIST));
    // Non-once params may change freely.
    ASSERT_EQ(set(*v0, 3, HVM_PARAM_STORE_PFN, 1), 0);
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_STORE_PFN, 2), 0);
}

TEST_F(HvmParamTest, ValuesOutOfRangeAreEinval) {
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_TIMER_MODE, HVMPTM_one_missed_tick_pending + 1), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_TIMER_MODE, HVMPTM_one_missed_tick_pending), 0);
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_ALTP2M, XEN_ALTP2M_mixed), neg(Errno::XEN_EINVAL)); // no altp2m in cxen
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_TRIPLE_FAULT_REASON, SHUTDOWN_MAX + 1), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 0), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 65), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_VIRIDIAN, 2), neg(Errno::XEN_EINVAL)); // without base_freq
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_MCA_CAP, XEN_HVM_MCA_CAP_LMCE), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_VM86_TSS, 1ull << 32), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set(*v0, 3, HVM_PARAM_ACPI_S_STATE, 1), neg(Errno::XEN_EINVAL));
    long rc = 0;
    EXPECT_EQ(get(*v0, 3, HVM_PARAM_TIMER_MODE, rc), uint64_t{HVMPTM_one_missed_tick_pending});
}

} // namespace
} // namespace cxen
