// lib/x86/cpu_policy: the serialised forms Xen 4.17's tools exchange
// (xen/lib/x86/cpuid.c, msr.c), their limits and errors, and the audit of
// x86_cpu_policies_are_compatible().
#include "lib/x86/cpu_policy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace cxen;
using namespace cxen::cpu_policy;

namespace {

template <typename T> struct Vec {
    std::vector<T> v;
    bool fault = false;
    EntryIo<T> out() {
        return {this, [](void* ctx, uint32_t i, T& e) {
                    auto& s = *static_cast<Vec*>(ctx);
                    if (s.fault) return false;
                    if (s.v.size() <= i) s.v.resize(i + 1);
                    s.v[i] = e;
                    return true;
                }};
    }
    EntryIo<T> in() {
        return {this, [](void* ctx, uint32_t i, T& e) {
                    auto& s = *static_cast<Vec*>(ctx);
                    if (s.fault || i >= s.v.size()) return false;
                    e = s.v[i];
                    return true;
                }};
    }
};

CpuPolicy sample() {
    CpuPolicy p{};
    p.basic[0] = {0xd, 1, 2, 3};
    p.basic[1] = {0xa50f00, 0x10800, 0xfed83203, 0x178bfbff};
    p.cache[0] = {0x121, 1, 2, 3}; // type 1
    p.cache[1] = {0, 0, 0, 0};     // the end
    p.feat[0] = {1, 0x219c91a9, 4, 0};
    p.feat[1] = {0x10, 0, 0, 0};
    p.topo[0] = {1, 1, 0x100, 0};
    p.topo[1] = {4, 8, 0x201, 0};
    p.xstate[0] = {0x7, 0x340, 0x340, 0};
    p.xstate[1] = {0x1, 0, 0, 0};
    p.xstate[2] = {0x100, 0x240, 0, 0};
    p.extd[0] = {0x80000021, 0, 0, 0};
    p.extd[1] = {0, 0, 0x75c237ff, 0x2fd3fbff};
    p.extd[0x21] = {0x45, 0, 0, 0};
    return p;
}

bool same(const CpuPolicy& a, const CpuPolicy& b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }

} // namespace

TEST(CpuPolicy, SerialisesOnlyTheLeavesXensDeserialiserAccepts) {
    const CpuPolicy p = sample();
    Vec<SerialisedLeaf> buf;
    uint32_t nr = max_serialised_leaves;
    ASSERT_TRUE(copy_leaves_to_buffer(p, buf.out(), nr));
    // basic 0..0xd (4 with 2 subleaves, 7 with 2, 0xb with 2, 0xd with 3),
    // the two hypervisor limits, extended 0x80000000..0x80000021.
    EXPECT_EQ(nr, (14u - 4u) + 2 + 2 + 2 + 3 + 2 + 0x22);
    for (uint32_t i = 0; i < nr; ++i) {
        const SerialisedLeaf& e = buf.v[i];
        const bool ok = (e.leaf < 0xe) || e.leaf == 0x40000000 || e.leaf == 0x40000100 ||
                        (e.leaf >= 0x80000000 && e.leaf <= 0x80000021);
        EXPECT_TRUE(ok) << std::hex << e.leaf;
    }
    CpuPolicy back{};
    uint32_t el = 0, es = 0;
    ASSERT_TRUE(copy_leaves_from_buffer(back, buf.in(), nr, el, es));
    EXPECT_EQ(el, ~0u);
    EXPECT_TRUE(same(back, p));
}

TEST(CpuPolicy, ShortArrayIsEnobufsAndNullMaximaAreXens) {
    Vec<SerialisedLeaf> buf;
    uint32_t nr = 5;
    EXPECT_EQ(copy_leaves_to_buffer(sample(), buf.out(), nr).error(), Errno::XEN_ENOBUFS);
    EXPECT_EQ(buf.v.size(), 5u); // what fitted
    Vec<SerialisedMsr> msrs;
    uint32_t nm = 1;
    EXPECT_EQ(copy_msrs_to_buffer(sample(), msrs.out(), nm).error(), Errno::XEN_ENOBUFS);
    nm = 2;
    ASSERT_TRUE(copy_msrs_to_buffer(sample(), msrs.out(), nm));
    EXPECT_EQ(msrs.v[0].idx, msr_platform_info);
    EXPECT_EQ(msrs.v[1].idx, msr_arch_capabilities);
    Vec<SerialisedLeaf> bad;
    bad.fault = true;
    nr = 120;
    EXPECT_EQ(copy_leaves_to_buffer(sample(), bad.out(), nr).error(), Errno::XEN_EFAULT);
}

TEST(CpuPolicy, DeserialiserRefusesWhatXensDoes) {
    struct Case {
        uint32_t leaf, subleaf;
    } bad[] = {{0xe, no_subleaf}, {0x4, 6}, {0x7, 3}, {0xb, 2}, {0xd, 63}, {0x1, 0},
               {0x40000001, no_subleaf}, {0x40000000, 0}, {0x80000022, no_subleaf}, {0x80000001, 1}};
    for (const Case& k : bad) {
        Vec<SerialisedLeaf> buf;
        buf.v = {{0, no_subleaf, 0xd, 0, 0, 0}, {k.leaf, k.subleaf, 1, 2, 3, 4}};
        CpuPolicy p = sample();
        uint32_t el = 0, es = 0;
        EXPECT_EQ(copy_leaves_from_buffer(p, buf.in(), 2, el, es).error(), Errno::XEN_ERANGE) << std::hex << k.leaf;
        EXPECT_EQ(el, k.leaf);
        EXPECT_EQ(es, k.subleaf);
    }
    Vec<SerialisedLeaf> buf;
    CpuPolicy p{};
    uint32_t el = 0, es = 0;
    EXPECT_EQ(copy_leaves_from_buffer(p, buf.in(), max_serialised_leaves + 1, el, es).error(), Errno::XEN_E2BIG);
    buf.fault = true;
    EXPECT_EQ(copy_leaves_from_buffer(p, buf.in(), 1, el, es).error(), Errno::XEN_EFAULT);
}

TEST(CpuPolicy, MsrDeserialiserChecksFlagsWidthAndIndex) {
    CpuPolicy p{};
    uint32_t em = 0;
    Vec<SerialisedMsr> m;
    m.v = {{msr_platform_info, 0, 0x1}, {msr_arch_capabilities, 0, 1ull << 40}};
    ASSERT_TRUE(copy_msrs_from_buffer(p, m.in(), 2, em));
    EXPECT_EQ(p.platform_info, 1u);
    EXPECT_EQ(p.arch_caps, 1ull << 40);
    m.v = {{msr_platform_info, 1, 0}};
    EXPECT_EQ(copy_msrs_from_buffer(p, m.in(), 1, em).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(em, msr_platform_info);
    m.v = {{msr_platform_info, 0, 1ull << 32}};
    EXPECT_EQ(copy_msrs_from_buffer(p, m.in(), 1, em).error(), Errno::XEN_EOVERFLOW);
    m.v = {{0x10, 0, 0}};
    EXPECT_EQ(copy_msrs_from_buffer(p, m.in(), 1, em).error(), Errno::XEN_ERANGE);
    EXPECT_EQ(em, 0x10u);
    EXPECT_EQ(copy_msrs_from_buffer(p, m.in(), 3, em).error(), Errno::XEN_E2BIG);
}

TEST(CpuPolicy, CompatibilityIsXensAuditOfLimitsAndPlatformInfo) {
    const CpuPolicy max = sample();
    PolicyErrors e;
    EXPECT_TRUE(policies_are_compatible(max, max, e));
    CpuPolicy g = max;
    g.basic[0].a = 0xe;
    EXPECT_EQ(policies_are_compatible(max, g, e).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(e.leaf, 0u);
    EXPECT_EQ(e.subleaf, no_subleaf);
    g = max;
    g.feat[0].a = 2;
    EXPECT_EQ(policies_are_compatible(max, g, e).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(e.leaf, 7u);
    EXPECT_EQ(e.subleaf, 0u);
    g = max;
    g.extd[0].a = 0x80000022;
    EXPECT_EQ(policies_are_compatible(max, g, e).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(e.leaf, 0x80000000u);
    g = max;
    g.platform_info = 1;
    EXPECT_EQ(policies_are_compatible(max, g, e).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(e.msr, msr_platform_info);
    g = max; // fewer features and lower limits are fine (Xen audits no more in 4.17)
    g.basic[0].a = 7;
    g.basic[1].c = 0;
    EXPECT_TRUE(policies_are_compatible(max, g, e));
}

TEST(CpuPolicy, LoweredLimitsClearTheLeavesAbove) {
    CpuPolicy p = sample();
    p.basic[0].a = 7;
    p.extd[0].a = 0x80000001;
    clear_out_of_range_leaves(p);
    EXPECT_EQ(p.topo[0].c, 0u);
    EXPECT_EQ(p.xstate[0].a, 0u);
    EXPECT_EQ(p.feat[0].b, 0x219c91a9u); // leaf 7 still in range
    EXPECT_EQ(p.extd[0x21].a, 0u);
    EXPECT_EQ(p.extd[1].c, 0x75c237ffu);
}

TEST(CpuPolicy, FeaturesetWordsAreXens) {
    uint32_t fs[nr_featureset_words];
    to_featureset(sample(), fs);
    EXPECT_EQ(nr_featureset_words, 19u);
    EXPECT_EQ(fs[fs_1d], 0x178bfbffu);
    EXPECT_EQ(fs[fs_1c], 0xfed83203u);
    EXPECT_EQ(fs[fs_e1c], 0x75c237ffu);
    EXPECT_EQ(fs[fs_7b0], 0x219c91a9u);
    EXPECT_EQ(fs[fs_Da1], 1u);
    EXPECT_EQ(fs[fs_7a1], 0x10u);
    EXPECT_EQ(fs[fs_e21a], 0x45u);
}
