// Unit tests of the event_channel_op shell (common/hypercall/
// event_channel_op.cpp) and SCHEDOP_poll's shell in sched_op.cpp: structs
// copied in and out through the (fake) guest memory, -EFAULT for bad
// pointers, -ENOSYS for unknown sub-ops. The cores are tested in
// tests/unit/common/event/evtchn_test.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPages = test::HostPageSource;
HostPages host_pages;

constexpr uint64_t arg_gva = 0x100;
constexpr uint64_t bad_gva = 1ull << 40; // beyond the fake guest memory

class EventChannelOpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        d = domain_create(5, "shell", 1).value();
        v = vcpu_create(*d, 0, 0).value();
    }
    void TearDown() override {
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    template <typename T> long op(int cmd, const T& in) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &in, sizeof(T));
        return do_event_channel_op(*v,
                                   HypercallArgs{{static_cast<uint64_t>(cmd), arg_gva, 0, 0, 0}});
    }
    template <typename T> T out() {
        T t;
        std::memcpy(&t, arch::fake_guest_memory().data() + arg_gva, sizeof(T));
        return t;
    }
    long raw(uint64_t cmd, uint64_t gva) {
        return do_event_channel_op(*v, HypercallArgs{{cmd, gva, 0, 0, 0}});
    }

    Domain* d = nullptr;
    Vcpu* v = nullptr;
};

constexpr long neg(Errno e) {
    return -static_cast<long>(e);
}

TEST_F(EventChannelOpTest, AllocUnboundCopiesThePortOut) {
    ASSERT_EQ(op(EVTCHNOP_alloc_unbound, evtchn_alloc_unbound_t{DOMID_SELF, 0, 0}), 0);
    EXPECT_EQ(out<evtchn_alloc_unbound_t>().port, 1u);
    evtchn_status_t s{};
    s.dom = DOMID_SELF;
    s.port = 1;
    ASSERT_EQ(op(EVTCHNOP_status, s), 0);
    EXPECT_EQ(out<evtchn_status_t>().status, EVTCHNSTAT_unbound);
}

TEST_F(EventChannelOpTest, FailedOpLeavesTheStructUntouched) {
    evtchn_bind_ipi_t in{3, 0xdead};
    EXPECT_EQ(op(EVTCHNOP_bind_ipi, in), neg(Errno::XEN_ENOENT));
    EXPECT_EQ(out<evtchn_bind_ipi_t>().port, 0xdeadu);
}

TEST_F(EventChannelOpTest, EverySubOpFaultsOnABadPointer) {
    for (uint64_t cmd : {EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq,
                         EVTCHNOP_close, EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound,
                         EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, EVTCHNOP_reset})
        EXPECT_EQ(raw(cmd, bad_gva), neg(Errno::XEN_EFAULT)) << "cmd " << cmd;
}

TEST_F(EventChannelOpTest, UnknownSubOpIsEnosysFifoOpsNeedFifo) {
    EXPECT_EQ(raw(99, arg_gva), neg(Errno::XEN_ENOSYS));
    // Still 2-level: Xen's answers (the FIFO ops: tests/unit/common/event/).
    EXPECT_EQ(op(EVTCHNOP_expand_array, evtchn_expand_array_t{1}), neg(Errno::XEN_EOPNOTSUPP));
    EXPECT_EQ(op(EVTCHNOP_set_priority, evtchn_set_priority_t{0, 0}), neg(Errno::XEN_ENOSYS));
    for (uint64_t cmd : {EVTCHNOP_init_control, EVTCHNOP_expand_array, EVTCHNOP_set_priority})
        EXPECT_EQ(raw(cmd, bad_gva), neg(Errno::XEN_EFAULT)) << "cmd " << cmd;
}

TEST_F(EventChannelOpTest, InitControlCopiesLinkBitsOut) {
    evtchn_init_control_t c{};
    c.control_gfn = 0; // the fake's guest frame 0
    c.offset = 0x800;
    c.vcpu = 0;
    ASSERT_EQ(op(EVTCHNOP_init_control, c), 0);
    EXPECT_EQ(out<evtchn_init_control_t>().link_bits, uint8_t{EVTCHN_FIFO_LINK_BITS});
    EXPECT_EQ(op(EVTCHNOP_init_control, c), neg(Errno::XEN_EINVAL)); // once per vCPU
}

TEST_F(EventChannelOpTest, ErrorsComeBackAsNegativeXenErrno) {
    EXPECT_EQ(op(EVTCHNOP_send, evtchn_send_t{4096}), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(op(EVTCHNOP_alloc_unbound, evtchn_alloc_unbound_t{77, 0, 0}), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(op(EVTCHNOP_reset, evtchn_reset_t{77}), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(op(EVTCHNOP_bind_pirq, evtchn_bind_pirq_t{1, 0, 0}), neg(Errno::XEN_EINVAL));
}

TEST_F(EventChannelOpTest, SchedopPollReadsThePortListFromTheGuest) {
    auto call_poll = [&](uint64_t list_gva, unsigned nr) {
        sched_poll p{};
        p.ports.p = reinterpret_cast<evtchn_port_t*>(list_gva);
        p.nr_ports = nr;
        p.timeout = 0;
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &p, sizeof(p));
        return do_sched_op(*v, HypercallArgs{{SCHEDOP_poll, arg_gva, 0, 0, 0}});
    };
    const uint32_t big = 4096;
    std::memcpy(arch::fake_guest_memory().data() + 0x800, &big, 4);
    EXPECT_EQ(call_poll(0x800, 1), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call_poll(bad_gva, 1), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(do_sched_op(*v, HypercallArgs{{SCHEDOP_poll, bad_gva, 0, 0, 0}}),
              neg(Errno::XEN_EFAULT));
    const uint32_t quiet = 7;
    std::memcpy(arch::fake_guest_memory().data() + 0x800, &quiet, 4);
    EXPECT_EQ(call_poll(0x800, 1), 0);
    EXPECT_EQ(v->poll_port.load(), 7u); // now waiting for port 7
}

} // namespace
} // namespace cxen
