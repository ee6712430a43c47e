// multicall through do_hypercall() against the host fakes (multicall.cpp):
// each entry's result, the errors Xen gives (nested multicall, unreadable
// list, unknown hypercall), and the two continuations: between entries for
// pending work, and inside an entry whose own hypercall stops part-way.
#include "abi/xen/xen.hpp"
#include "common/hypercall/memory_op.hpp"
#include "foreign_fixture.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;
constexpr uint64_t calls_gva = 0x6000, list_gva = 0x5000;

class MulticallTest : public ForeignTest {
  protected:
    static long multicall(Vcpu& v, const std::vector<multicall_entry_t>& calls, uint64_t gva = calls_gva) {
        for (size_t i = 0; i < calls.size(); ++i) put(gva + sizeof(multicall_entry_t) * i, calls[i]);
        return do_hypercall(v, __HYPERVISOR_multicall, HypercallArgs{{gva, calls.size(), 0, 0, 0}});
    }
    static multicall_entry_t entry(uint64_t op, uint64_t a0 = 0, uint64_t a1 = 0) {
        multicall_entry_t e{};
        e.op = op;
        e.result = 0x5a5a5a5a;
        e.args[0] = a0;
        e.args[1] = a1;
        return e;
    }
    static multicall_entry_t at(size_t i) { return get<multicall_entry_t>(calls_gva + sizeof(multicall_entry_t) * i); }
    /// A populate_physmap of `n` order-0 extents of `domid` at gfns 0x100.. (its struct at args_gva).
    static multicall_entry_t populate(domid_t domid, unsigned n) {
        for (unsigned i = 0; i < n; ++i) put(list_gva + 8 * i, xen_pfn_t{0x100 + i});
        xen_memory_reservation r{};
        r.extent_start.p = reinterpret_cast<xen_pfn_t*>(list_gva);
        r.nr_extents = n;
        r.domid = domid;
        put(args_gva, r);
        return entry(__HYPERVISOR_memory_op, XENMEM_populate_physmap, args_gva);
    }
};

TEST_F(MulticallTest, EachEntryGetsItsHypercallsResult) {
    const long ret = multicall(v0, {entry(__HYPERVISOR_xen_version, XENVER_version), entry(99),
                                    populate(1, 2), entry(__HYPERVISOR_memory_op, XENMEM_maximum_reservation, 0x10000000)});
    EXPECT_EQ(ret, 0);
    EXPECT_EQ(at(0).result, uint64_t{(4u << 16) | 17u}); // Xen 4.17
    EXPECT_EQ(static_cast<long>(at(1).result), neg(Errno::XEN_ENOSYS));
    EXPECT_EQ(at(2).result, 2u);
    EXPECT_EQ(p2m(*domu, 0x100).type, P2mType::ram_rw);
    EXPECT_EQ(p2m(*domu, 0x101).type, P2mType::ram_rw);
    EXPECT_EQ(static_cast<long>(at(3).result), neg(Errno::XEN_EFAULT));
    // Only `result` is written: the rest stays as the guest wrote it.
    EXPECT_EQ(at(2).op, uint64_t{__HYPERVISOR_memory_op});
    EXPECT_EQ(at(2).args[0], uint64_t{XENMEM_populate_physmap});
    EXPECT_EQ(at(2).args[1], args_gva);
    EXPECT_FALSE(v0.hypercall_continues);
    EXPECT_FALSE(v0.in_multicall);
}

TEST_F(MulticallTest, NoEntriesIsNothingDone) {
    EXPECT_EQ(multicall(v0, {}), 0);
    EXPECT_FALSE(v0.hypercall_continues);
}

TEST_F(MulticallTest, AMulticallInsideOneIsRefused) {
    put(0x7000, entry(__HYPERVISOR_xen_version, XENVER_version));
    EXPECT_EQ(multicall(v0, {entry(__HYPERVISOR_multicall, 0x7000, 1), entry(__HYPERVISOR_xen_version, XENVER_version)}),
              0);
    EXPECT_EQ(static_cast<long>(at(0).result), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(get<multicall_entry_t>(0x7000).result, 0x5a5a5a5au); // the inner list never ran
    EXPECT_EQ(at(1).result, uint64_t{(4u << 16) | 17u});
    // Afterwards a multicall works again.
    EXPECT_EQ(multicall(v0, {entry(__HYPERVISOR_xen_version, XENVER_version)}), 0);
    EXPECT_EQ(at(0).result, uint64_t{(4u << 16) | 17u});
}

TEST_F(MulticallTest, AListOutsideGuestMemoryIsEfaultAfterWhatRan) {
    // Two entries at the very end of guest memory: the first fits, the second does not.
    const uint64_t end = arch::fake_guest_memory().size();
    const uint64_t gva = end - sizeof(multicall_entry_t);
    put(gva, entry(__HYPERVISOR_xen_version, XENVER_version));
    EXPECT_EQ(do_hypercall(v0, __HYPERVISOR_multicall, HypercallArgs{{gva, 2, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(get<multicall_entry_t>(gva).result, uint64_t{(4u << 16) | 17u});
    EXPECT_EQ(do_hypercall(v0, __HYPERVISOR_multicall, HypercallArgs{{end + 0x1000, 1, 0, 0, 0}}),
              neg(Errno::XEN_EFAULT));
    EXPECT_FALSE(v0.in_multicall);
}

TEST_F(MulticallTest, PendingWorkStopsItBetweenEntries) {
    {
        PendingWork work;
        ASSERT_EQ(multicall(v0, {entry(__HYPERVISOR_xen_version, XENVER_version),
                                 entry(__HYPERVISOR_xen_version, XENVER_version),
                                 entry(__HYPERVISOR_xen_version, XENVER_version)}),
                  0);
    }
    ASSERT_TRUE(v0.hypercall_continues);
    EXPECT_EQ(v0.continuation_nargs, 2u);
    EXPECT_EQ(v0.continuation_args[0], calls_gva + sizeof(multicall_entry_t));
    EXPECT_EQ(v0.continuation_args[1], 2u);
    EXPECT_EQ(at(0).result, uint64_t{(4u << 16) | 17u});
    EXPECT_EQ(at(1).result, 0x5a5a5a5au); // not run yet
    EXPECT_FALSE(v0.in_multicall);
    // The guest re-executes it with the continuation's arguments.
    v0.hypercall_continues = false;
    EXPECT_EQ(do_hypercall(v0, __HYPERVISOR_multicall,
                           HypercallArgs{{v0.continuation_args[0], v0.continuation_args[1], 0, 0, 0}}),
              0);
    EXPECT_FALSE(v0.hypercall_continues);
    EXPECT_EQ(at(1).result, uint64_t{(4u << 16) | 17u});
    EXPECT_EQ(at(2).result, uint64_t{(4u << 16) | 17u});
}

TEST_F(MulticallTest, AnEntryThatStopsPartWayContinuesInItsEntry) {
    const unsigned n = hypercall_preempt_interval + 8;
    {
        PendingWork work;
        ASSERT_EQ(multicall(v0, {populate(1, n), entry(__HYPERVISOR_xen_version, XENVER_version)}), 0);
    }
    // The populate stopped after one batch: its entry now holds the
    // memory_op's continuation (the start extent in cmd), and the multicall
    // continues from that entry.
    ASSERT_TRUE(v0.hypercall_continues);
    EXPECT_EQ(v0.continuation_args[0], calls_gva);
    EXPECT_EQ(v0.continuation_args[1], 2u);
    EXPECT_EQ(at(0).args[0], uint64_t{XENMEM_populate_physmap} | (uint64_t{hypercall_preempt_interval} << 6));
    EXPECT_EQ(at(0).args[1], args_gva);
    EXPECT_EQ(at(1).result, 0x5a5a5a5au);
    EXPECT_EQ(p2m(*domu, 0x100 + hypercall_preempt_interval - 1).type, P2mType::ram_rw);
    EXPECT_EQ(p2m(*domu, 0x100 + hypercall_preempt_interval).type, P2mType::invalid);
    v0.hypercall_continues = false;
    EXPECT_EQ(do_hypercall(v0, __HYPERVISOR_multicall,
                           HypercallArgs{{v0.continuation_args[0], v0.continuation_args[1], 0, 0, 0}}),
              0);
    EXPECT_FALSE(v0.hypercall_continues);
    EXPECT_EQ(at(0).result, uint64_t{n}); // the extents done in all, as Xen's memory_op returns
    EXPECT_EQ(p2m(*domu, 0x100 + n - 1).type, P2mType::ram_rw);
    EXPECT_EQ(at(1).result, uint64_t{(4u << 16) | 17u});
}

} // namespace
} // namespace cxen::test
