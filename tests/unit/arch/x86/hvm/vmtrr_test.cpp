// The virtual MTRRs: Xen's reset values, the APM's validity checks, and
// that a refused write changes nothing.
#include "arch/x86/hvm/vmtrr.hpp"

#include <gtest/gtest.h>

using namespace cxen::arch;

namespace {
constexpr unsigned phys_bits = 40;

uint64_t rd(const Vmtrr& m, uint32_t msr) {
    uint64_t v = 0xdead;
    EXPECT_TRUE(m.read(msr, v)) << std::hex << msr;
    return v;
}
} // namespace

TEST(Vmtrr, ResetStateIsXensPvhDefault) {
    Vmtrr m;
    EXPECT_EQ(rd(m, msr_mtrr_cap), 0x508u); // 8 variable ranges, fixed ranges, WC
    EXPECT_EQ(rd(m, msr_mtrr_def_type), 0x806u);
    for (uint32_t msr = 0x200; msr < 0x210; ++msr) EXPECT_EQ(rd(m, msr), 0u);
    for (uint32_t msr : {0x250u, 0x258u, 0x259u, 0x268u, 0x26fu}) EXPECT_EQ(rd(m, msr), 0u);
}

TEST(Vmtrr, HandlesExactlyTheMtrrMsrs) {
    for (uint32_t msr : {0xfeu, 0x200u, 0x20fu, 0x250u, 0x258u, 0x259u, 0x268u, 0x26fu, 0x2ffu})
        EXPECT_TRUE(Vmtrr::handles(msr)) << std::hex << msr;
    for (uint32_t msr : {0xffu, 0x1ffu, 0x210u, 0x251u, 0x25au, 0x267u, 0x270u, 0x277u, 0x2feu})
        EXPECT_FALSE(Vmtrr::handles(msr)) << std::hex << msr;
}

TEST(Vmtrr, WritesAreStoredAndReadBack) {
    Vmtrr m;
    ASSERT_TRUE(m.write(msr_mtrr_def_type, 0xc00, phys_bits)); // UC default, E and FE
    EXPECT_EQ(rd(m, msr_mtrr_def_type), 0xc00u);
    ASSERT_TRUE(m.write(0x200, 0xe0000000ull | 0, phys_bits));   // base 3.5 GiB, UC
    ASSERT_TRUE(m.write(0x201, 0xffe0000000ull | 0x800, phys_bits)); // 512 MiB, valid
    EXPECT_EQ(rd(m, 0x200), 0xe0000000u);
    EXPECT_EQ(rd(m, 0x201), 0xffe0000800u);
    ASSERT_TRUE(m.write(0x250, 0x0606060606060606ull, phys_bits));
    ASSERT_TRUE(m.write(0x26f, 0x0504010006060606ull, phys_bits));
    EXPECT_EQ(rd(m, 0x250), 0x0606060606060606u);
    EXPECT_EQ(rd(m, 0x26f), 0x0504010006060606u);
}

TEST(Vmtrr, InvalidWritesFaultAndChangeNothing) {
    Vmtrr m;
    const Vmtrr before = m;
    EXPECT_FALSE(m.write(msr_mtrr_cap, 0x508, phys_bits));            // read-only
    EXPECT_FALSE(m.write(msr_mtrr_def_type, 0x802, phys_bits));       // type 2 is reserved
    EXPECT_FALSE(m.write(msr_mtrr_def_type, 0x807, phys_bits));       // type 7 is reserved
    EXPECT_FALSE(m.write(msr_mtrr_def_type, 0x1806, phys_bits));      // reserved bit 12
    EXPECT_FALSE(m.write(msr_mtrr_def_type, 0x906, phys_bits));       // reserved bit 8
    EXPECT_FALSE(m.write(0x200, 0x1000 | 3, phys_bits));              // base type 3
    EXPECT_FALSE(m.write(0x200, 0x1000 | 0x100, phys_bits));          // reserved bit 8
    EXPECT_FALSE(m.write(0x200, (1ull << phys_bits) | 6, phys_bits)); // beyond MAXPHYADDR
    EXPECT_FALSE(m.write(0x201, 0x400 | 0x800, phys_bits));           // reserved bit 10 in a mask
    EXPECT_FALSE(m.write(0x250, 0x0606060606060602ull, phys_bits));   // one bad byte
    EXPECT_FALSE(m.write(0x26f, 0xff06060606060606ull, phys_bits));
    EXPECT_FALSE(m.write(0x277, 0, phys_bits)); // PAT is not an MTRR
    EXPECT_EQ(m.def_type, before.def_type);
    for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(m.var[i], before.var[i]);
    for (unsigned i = 0; i < 11; ++i) EXPECT_EQ(m.fixed[i], before.fixed[i]);
}
