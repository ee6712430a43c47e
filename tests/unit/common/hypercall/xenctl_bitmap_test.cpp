// CpuMask <-> xenctl_bitmap (common/hypercall/xenctl_bitmap.cpp): Xen's
// byte layout, the zero fill of a longer map, the bits past nr_bits.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/guest_access.hpp"
#include "arch/host_cpu.hpp"
#include "common/hypercall/xenctl_bitmap.hpp"

namespace cxen {
namespace {

constexpr uint64_t map_gva = 0x200;

class XenctlBitmapTest : public ::testing::Test {
  protected:
    void SetUp() override {
        arch::fake_guest_memory().assign(4096, 0xaa);
        saved_n = arch::fake_nr_host_cpus;
        arch::fake_nr_host_cpus = 6; // nr_cpu_ids 6: one byte on the hypervisor's side
        for (unsigned i = 0; i < 6; ++i)
            arch::fake_host_cpus[i] = {i, i, i, 0, true};
        v.domain = &d;
    }
    void TearDown() override {
        arch::fake_nr_host_cpus = saved_n;
        arch::fake_host_cpus[0] = {0, 0, 0, 0, true};
        arch::fake_host_cpus[1] = {1, 1, 0, 0, true};
    }
    static xenctl_bitmap map(uint32_t nr_bits, uint64_t gva = map_gva) {
        xenctl_bitmap m{};
        set_xen_guest_handle(m.bitmap, reinterpret_cast<uint8_t*>(gva));
        m.nr_bits = nr_bits;
        return m;
    }
    uint8_t* at(uint64_t gva) { return arch::fake_guest_memory().data() + gva; }
    Domain d;
    Vcpu v;
    unsigned saved_n = 0;
};

TEST_F(XenctlBitmapTest, MaskGoesOutAsBytesAndTheRestOfTheGuestsMapIsZeroed) {
    CpuMask m;
    m.set(0);
    m.set(2);
    m.set(5);
    ASSERT_TRUE(cpumask_to_xenctl_bitmap(v, map(24), m));
    EXPECT_EQ(at(map_gva)[0], 0x25);
    EXPECT_EQ(at(map_gva)[1], 0);
    EXPECT_EQ(at(map_gva)[2], 0);
    EXPECT_EQ(at(map_gva)[3], 0xaa); // nothing past the guest's bytes
}

TEST_F(XenctlBitmapTest, ShortGuestMapGetsOnlyItsBytes) {
    ASSERT_TRUE(cpumask_to_xenctl_bitmap(v, map(0), CpuMask::all()));
    EXPECT_EQ(at(map_gva)[0], 0xaa); // nr_bits 0: nothing written
}

TEST_F(XenctlBitmapTest, ReadClearsBitsPastNrBitsAndPastNrCpuIds) {
    at(map_gva)[0] = 0xff;
    CpuMask m;
    ASSERT_TRUE(xenctl_bitmap_to_cpumask(v, map(3), m));
    EXPECT_EQ(m, CpuMask::first_n(3));
    ASSERT_TRUE(xenctl_bitmap_to_cpumask(v, map(64), m));
    EXPECT_EQ(m, CpuMask::first_n(6)); // only nr_cpu_ids bits exist
}

TEST_F(XenctlBitmapTest, BadPointerIsEfault) {
    CpuMask m;
    EXPECT_EQ(xenctl_bitmap_to_cpumask(v, map(8, 1ull << 40), m).error(), Errno::XEN_EFAULT);
    EXPECT_EQ(cpumask_to_xenctl_bitmap(v, map(8, 1ull << 40), m).error(), Errno::XEN_EFAULT);
    // The zero fill past the host's byte runs off guest memory.
    EXPECT_EQ(cpumask_to_xenctl_bitmap(v, map(8 * 64, 4096 - 16), m).error(), Errno::XEN_EFAULT);
}

} // namespace
} // namespace cxen
