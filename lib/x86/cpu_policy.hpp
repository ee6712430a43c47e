// A CPU policy as Xen 4.17's toolstack and XEN_SYSCTL/DOMCTL_*_cpu_policy
// exchange it: the CPUID leaves Xen's `struct cpu_policy` holds
// (xen/include/xen/lib/x86/cpu-policy.h: basic 0..0xd, leaf 4, 7, 0xb and
// 0xd subleaves, extended 0x80000000..0x80000021, the two hypervisor
// limits) and the two MSRs it serialises (PLATFORM_INFO, ARCH_CAPABILITIES).
// The serialised forms, their limits and errors are those of
// xen/lib/x86/cpuid.c and msr.c, so the 4.17 tools' own deserialiser
// accepts what cxen writes; the compatibility audit is
// x86_cpu_policies_are_compatible() (xen/lib/x86/policy.c). Shared by the
// hypervisor and the dom0 probes; no hardware here.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen::cpu_policy {

struct CpuidLeaf {
    uint32_t a, b, c, d;
};

/// Xen's xen_cpuid_leaf_t and xen_msr_entry_t (public/arch-x86/xen.h).
struct SerialisedLeaf {
    uint32_t leaf, subleaf, a, b, c, d;
};
struct SerialisedMsr {
    uint32_t idx, flags;
    uint64_t val;
};
constexpr uint32_t no_subleaf = 0xffffffffu; ///< XEN_CPUID_NO_SUBLEAF

// Array sizes of Xen 4.17's struct cpu_policy (CPUID_GUEST_NR_*).
constexpr unsigned nr_basic = 0xd + 1, nr_cache = 5 + 1, nr_feat = 2 + 1, nr_topo = 1 + 1, nr_xstate = 62 + 1,
                   nr_extd = 0x21 + 1;
/// CPUID_MAX_SERIALISED_LEAVES: every leaf and subleaf above, once, plus
/// hv_limit and hv2_limit.
constexpr uint32_t max_serialised_leaves =
    nr_basic + (nr_feat - 1) + (nr_cache - 1) + (nr_topo - 1) + (nr_xstate - 1) + nr_extd + 2;
constexpr uint32_t max_serialised_msrs = 2; ///< MSR_MAX_SERIALISED_ENTRIES
static_assert(max_serialised_leaves == 120);

constexpr uint32_t msr_platform_info = 0xce;      ///< MSR_INTEL_PLATFORM_INFO
constexpr uint32_t msr_arch_capabilities = 0x10a; ///< MSR_ARCH_CAPABILITIES

/// Xen's featureset words (FEATURESET_*), FSCAPINTS of them in 4.17.7.
enum FeatureWord : unsigned {
    fs_1d, fs_1c, fs_e1d, fs_e1c, fs_Da1, fs_7b0, fs_7c0, fs_e7d, fs_e8b, fs_7d0, fs_7a1, fs_e21a, fs_7b1,
    fs_7d2, fs_7c1, fs_7d1, fs_m10Al, fs_m10Ah, fs_e21c, nr_featureset_words
};

struct CpuPolicy {
    CpuidLeaf basic[nr_basic];   ///< basic[0].a = max_leaf; 4, 7, 0xb, 0xd live below
    CpuidLeaf cache[nr_cache];   ///< leaf 4; subleaf type in eax[4:0], 0 ends the list
    CpuidLeaf feat[nr_feat];     ///< leaf 7; feat[0].a = max_subleaf
    CpuidLeaf topo[nr_topo];     ///< leaf 0xb; level type in ecx[15:8], 0 ends the list
    CpuidLeaf xstate[nr_xstate]; ///< leaf 0xd
    CpuidLeaf extd[nr_extd];     ///< 0x80000000 + i; extd[0].a = max extended leaf
    uint32_t hv_limit, hv2_limit;
    uint32_t platform_info;
    uint64_t arch_caps;

    uint32_t max_leaf() const { return basic[0].a; }
    uint32_t feat_max_subleaf() const { return feat[0].a; }
    uint32_t extd_max_leaf() const { return extd[0].a; }
    /// Xen's cpu_policy_xstates(): XCR0 and XSS components together.
    uint64_t xstates() const {
        return (uint64_t{xstate[0].d | xstate[1].d} << 32) | xstate[0].a | xstate[1].c;
    }
};

/// Where serialised entries go or come from: entry `index` of the caller's
/// array (a guest buffer in the hypervisor). False: -EFAULT.
template <typename Entry> struct EntryIo {
    void* ctx;
    bool (*copy)(void* ctx, uint32_t index, Entry& e);
};

/// x86_cpuid_copy_to_buffer(): the leaves in Xen's order into at most
/// `nr_entries` entries; `nr_entries` becomes the count. -ENOBUFS (what
/// fitted is written), -EFAULT.
[[nodiscard]] Status copy_leaves_to_buffer(const CpuPolicy& p, EntryIo<SerialisedLeaf> out, uint32_t& nr_entries);
/// x86_cpuid_copy_from_buffer(): merge `nr_entries` leaves into p.
/// -E2BIG more than max_serialised_leaves; -ERANGE a leaf or subleaf
/// outside the policy (err_leaf/err_subleaf name it, else ~0); -EFAULT.
[[nodiscard]] Status copy_leaves_from_buffer(CpuPolicy& p, EntryIo<SerialisedLeaf> in, uint32_t nr_entries,
                                             uint32_t& err_leaf, uint32_t& err_subleaf);
/// x86_msr_copy_to_buffer(): PLATFORM_INFO then ARCH_CAPABILITIES.
/// -ENOBUFS, -EFAULT.
[[nodiscard]] Status copy_msrs_to_buffer(const CpuPolicy& p, EntryIo<SerialisedMsr> out, uint32_t& nr_entries);
/// x86_msr_copy_from_buffer(): -E2BIG more than 2; -EINVAL flags not 0;
/// -EOVERFLOW PLATFORM_INFO above 32 bits; -ERANGE another MSR (err_msr
/// names the entry at fault, else ~0); -EFAULT.
[[nodiscard]] Status copy_msrs_from_buffer(CpuPolicy& p, EntryIo<SerialisedMsr> in, uint32_t nr_entries,
                                           uint32_t& err_msr);

/// x86_cpu_policy_clear_out_of_range_leaves(): zero what the limits no
/// longer cover (after a merge lowered them).
void clear_out_of_range_leaves(CpuPolicy& p);

/// What x86_cpu_policies_are_compatible() objects to (~0: nothing).
struct PolicyErrors {
    uint32_t leaf = ~0u, subleaf = ~0u, msr = ~0u;
};
/// x86_cpu_policies_are_compatible(): `guest` may not exceed `max` in its
/// basic, leaf-7 and extended limits, nor set PLATFORM_INFO bits `max`
/// lacks. -EINVAL with `e` naming the first.
[[nodiscard]] Status policies_are_compatible(const CpuPolicy& max, const CpuPolicy& guest, PolicyErrors& e);

/// x86_cpu_policy_to_featureset(): the feature words, nr_featureset_words.
void to_featureset(const CpuPolicy& p, uint32_t fs[nr_featureset_words]);

} // namespace cxen::cpu_policy
