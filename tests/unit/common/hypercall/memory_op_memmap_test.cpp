// XENMEM_set_memory_map and XENMEM_memory_map (memory_op_memmap.cpp,
// common/mm/domain_e820.cpp): the control domain sets a domU's e820, the
// domU reads it back; Xen's errors for each bad argument.
#include "common/hypercall/memory_op.hpp"
#include "foreign_fixture.hpp"

namespace cxen::test {
namespace {

constexpr uint64_t map_gva = 0x5000, out_gva = 0x8000;

class MemmapTest : public ForeignTest {
  protected:
    /// XENMEM_set_memory_map by v of `domid` with `n` entries at map_gva.
    static long set_map(Vcpu& v, domid_t domid, unsigned n, uint64_t buffer = map_gva, uint64_t start = 0) {
        xen_foreign_memory_map f{};
        f.domid = domid;
        f.map.nr_entries = n;
        f.map.buffer.p = reinterpret_cast<void*>(buffer);
        put(args_gva, f);
        return memory_op(v, XENMEM_set_memory_map | (start << memop_extent_shift));
    }
    static void put_entries(const std::vector<E820Entry>& e) {
        for (size_t i = 0; i < e.size(); ++i) put(map_gva + 20 * i, e[i]);
    }
    /// XENMEM_memory_map by v into out_gva with room for `n`: the call's
    /// result; *got the count it says it wrote.
    static long get_map(Vcpu& v, unsigned n, unsigned* got = nullptr, uint64_t buffer = out_gva) {
        xen_memory_map m{};
        m.nr_entries = n;
        m.buffer.p = reinterpret_cast<void*>(buffer);
        put(args_gva, m);
        const long rc = memory_op(v, XENMEM_memory_map);
        if (got) *got = get<xen_memory_map>(args_gva).nr_entries;
        return rc;
    }
};

const std::vector<E820Entry> libxl_like = {
    {0, 0x8000000, 1},             // RAM
    {0xfc000000, 0x3000, 3},       // ACPI
    {0xfeff8000, 0x8000, 2},       // the special pages, reserved
};

TEST_F(MemmapTest, ControlDomainSetsADomUsMapAndTheDomUReadsIt) {
    put_entries(libxl_like);
    ASSERT_EQ(set_map(v0, domu->domid, 3), 0);
    unsigned got = 0;
    ASSERT_EQ(get_map(vu, 10, &got), 0);
    EXPECT_EQ(got, 3u);
    for (unsigned i = 0; i < 3; ++i) {
        const E820Entry e = get<E820Entry>(out_gva + 20 * i);
        EXPECT_EQ(e.addr, libxl_like[i].addr);
        EXPECT_EQ(e.size, libxl_like[i].size);
        EXPECT_EQ(e.type, libxl_like[i].type);
    }
    // dom0's own map is untouched: it has none here.
    EXPECT_EQ(get_map(v0, 10), neg(Errno::XEN_ENOSYS));
}

TEST_F(MemmapTest, MemoryMapTruncatesToTheCallersBufferAndWritesPackedEntries) {
    put_entries(libxl_like);
    ASSERT_EQ(set_map(vu, DOMID_SELF, 3), 0); // XSM_TARGET: a domain may set its own
    put(out_gva + 20, uint64_t{0x5a5a});
    unsigned got = 0;
    ASSERT_EQ(get_map(vu, 1, &got), 0);
    EXPECT_EQ(got, 1u);
    EXPECT_EQ(get<uint64_t>(out_gva + 8), 0x8000000u);
    EXPECT_EQ(get<uint64_t>(out_gva + 20), 0x5a5au); // the second 20-byte slot is untouched
}

TEST_F(MemmapTest, ANewMapReplacesTheOldOneAndAnEmptyOneReadsAsNone) {
    put_entries(libxl_like);
    ASSERT_EQ(set_map(v0, domu->domid, 3), 0);
    ASSERT_EQ(set_map(v0, domu->domid, 1), 0);
    unsigned got = 0;
    ASSERT_EQ(get_map(vu, 10, &got), 0);
    EXPECT_EQ(got, 1u);
    ASSERT_EQ(set_map(v0, domu->domid, 0), 0);
    EXPECT_EQ(get_map(vu, 10), neg(Errno::XEN_ENOSYS)); // Xen's "backwards compatibility" answer
}

TEST_F(MemmapTest, SetMemoryMapErrorsAreXens) {
    put_entries(libxl_like);
    Domain& other = make(2);
    EXPECT_EQ(set_map(v0, domu->domid, e820_max_entries + 1), neg(Errno::XEN_EINVAL)); // E820MAX, before the domain
    EXPECT_EQ(set_map(v0, 77, e820_max_entries + 1), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(set_map(v0, 77, 3), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(set_map(vu, other.domid, 3), neg(Errno::XEN_EPERM));
    EXPECT_EQ(set_map(vu, dom0->domid, 3), neg(Errno::XEN_EPERM));
    EXPECT_EQ(set_map(v0, domu->domid, 3, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(set_map(v0, domu->domid, 3, map_gva, 1), neg(Errno::XEN_ENOSYS)); // the arch op matches the whole cmd
    EXPECT_EQ(memory_op(v0, XENMEM_set_memory_map, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(domu->e820.size(), 0u);
    EXPECT_EQ(other.e820.size(), 0u);
    // A failed copy leaves the map there was.
    ASSERT_EQ(set_map(v0, domu->domid, 2), 0);
    EXPECT_EQ(set_map(v0, domu->domid, 3, 0xfff0), neg(Errno::XEN_EFAULT)); // runs off guest memory
    EXPECT_EQ(domu->e820.size(), 2u);
}

TEST_F(MemmapTest, TheLargestMapXenAcceptsIsAccepted) {
    for (unsigned i = 0; i < e820_max_entries; ++i) put(map_gva + 20 * i, E820Entry{uint64_t{i} << 20, 1 << 20, 1});
    ASSERT_EQ(set_map(v0, domu->domid, e820_max_entries), 0);
    EXPECT_EQ(domu->e820.size(), e820_max_entries);
    EXPECT_EQ(domu->e820.entry(e820_max_entries - 1).addr, uint64_t{e820_max_entries - 1} << 20);
}

TEST_F(MemmapTest, MemoryMapErrors) {
    put_entries(libxl_like);
    ASSERT_EQ(set_map(v0, domu->domid, 3), 0);
    EXPECT_EQ(get_map(vu, 3, nullptr, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(memory_op(vu, XENMEM_memory_map, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(memory_op(vu, XENMEM_memory_map | (1u << memop_extent_shift)), neg(Errno::XEN_ENOSYS));
}

} // namespace
} // namespace cxen::test
