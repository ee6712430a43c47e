// What hvm_op makes the hypervisor print goes through the domain's rate
// limit (common/console/guest_log.hpp): a guest that repeats the call
// gets the burst printed, not one line per call.
#include "abi/xen/xen.hpp"
#include "arch/console.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/hypercall/hypercall.hpp"

#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <string>

using namespace cxen;

namespace {

constexpr uint64_t args_gva = 0x1000;

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

struct HvmOpLogTest : ::testing::Test {
    Domain d;
    Vcpu v;
    void* si_page = nullptr;
    void SetUp() override {
        arch::fake_guest_memory().assign(0x4000, 0);
        arch::fake_now_ns = 5'000'000'000;
        arch::fake_console().clear();
        si_page = std::aligned_alloc(4096, 4096);
        std::memset(si_page, 0, 4096);
        d.shared_info = static_cast<::shared_info*>(si_page);
        d.domid = 2;
        d.max_vcpus = 1;
        d.vcpus[0] = &v;
        v.domain = &d;
        v.vcpu_info = &d.shared_info->vcpu_info[0];
    }
    void TearDown() override { std::free(si_page); }
    template <typename T> void put(const T& t) {
        std::memcpy(arch::fake_guest_memory().data() + args_gva, &t, sizeof(t));
    }
    long hvm_op(uint64_t op) { return do_hvm_op(v, HypercallArgs{{op, args_gva, 0, 0, 0}}); }
};

TEST_F(HvmOpLogTest, RepeatedUpcallVectorLinesAreRateLimited) {
    xen_hvm_evtchn_upcall_vector op{};
    op.vcpu = 0;
    op.vector = 0xf3;
    put(op);
    for (uint64_t i = 0; i < guest_log_burst + 500; ++i) ASSERT_EQ(hvm_op(HVMOP_set_evtchn_upcall_vector), 0);
    EXPECT_EQ(count(arch::fake_console(), "d2v0: upcall vector f3\n"), guest_log_burst);
}

TEST_F(HvmOpLogTest, RepeatedCallbackViaLinesAreRateLimited) {
    xen_hvm_param p{};
    p.domid = DOMID_SELF;
    p.index = HVM_PARAM_CALLBACK_IRQ;
    p.value = (uint64_t{HVM_PARAM_CALLBACK_TYPE_VECTOR} << 56) | 0xf3;
    put(p);
    for (uint64_t i = 0; i < guest_log_burst + 500; ++i) ASSERT_EQ(hvm_op(HVMOP_set_param), 0);
    EXPECT_EQ(count(arch::fake_console(), "d2: callback via vector 0xf3\n"), guest_log_burst);
    // A second later, 100 more may go out, after the count of the dropped.
    arch::fake_now_ns += 1'000'000'000;
    arch::fake_console().clear();
    ASSERT_EQ(hvm_op(HVMOP_set_param), 0);
    EXPECT_EQ(arch::fake_console(), "(XEN) d2: printk: 500 messages suppressed.\n(XEN) d2: callback via vector 0xf3\n");
}

} // namespace
