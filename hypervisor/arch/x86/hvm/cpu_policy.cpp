// System CPU policies (arch/cpu_policy.hpp), filled as Xen's
// x86_cpu_policy_fill_native() walks the leaves, then clamped as its
// calculate_host_policy() clamps the limits to the policy's arrays.
#include "arch/cpu_policy.hpp"

#include "arch/x86.hpp"
#include "arch/x86/hvm/hvm.hpp"
#include "common/lib/spinlock.hpp"

namespace cxen::arch {

using namespace cpu_policy;

namespace {
using Query = x86::CpuidRegs (*)(uint32_t leaf, uint32_t sub);

CpuidLeaf ask(Query q, uint32_t leaf, uint32_t sub) {
    const x86::CpuidRegs r = q(leaf, sub);
    return {r.eax, r.ebx, r.ecx, r.edx};
}
uint32_t clamp(uint32_t v, uint32_t max) { return v < max ? v : max; }

void fill(CpuPolicy& p, Query q) {
    p = {};
    p.basic[0] = ask(q, 0, 0);
    p.basic[0].a = clamp(p.basic[0].a, nr_basic - 1);
    for (uint32_t leaf = 1; leaf <= p.max_leaf(); ++leaf) {
        switch (leaf) {
        case 0x4:
            for (uint32_t sub = 0; sub < nr_cache; ++sub) {
                p.cache[sub] = ask(q, leaf, sub);
                if ((p.cache[sub].a & 0x1f) == 0) break;
            }
            break;
        case 0x7:
            p.feat[0] = ask(q, leaf, 0);
            p.feat[0].a = clamp(p.feat[0].a, nr_feat - 1);
            for (uint32_t sub = 1; sub <= p.feat_max_subleaf(); ++sub) p.feat[sub] = ask(q, leaf, sub);
            break;
        case 0xb:
            for (uint32_t sub = 0; sub < nr_topo; ++sub) {
                p.topo[sub] = ask(q, leaf, sub);
                if (((p.topo[sub].c >> 8) & 0xff) == 0) break;
            }
            break;
        case 0xd: {
            p.xstate[0] = ask(q, leaf, 0);
            p.xstate[1] = ask(q, leaf, 1);
            const uint64_t xstates = p.xstates();
            for (uint32_t sub = 2; sub < nr_xstate; ++sub)
                if (xstates & (1ull << sub)) p.xstate[sub] = ask(q, leaf, sub);
            break;
        }
        default:
            p.basic[leaf] = ask(q, leaf, 0);
            break;
        }
    }
    p.extd[0] = ask(q, 0x80000000, 0);
    if ((p.extd[0].a >> 16) != 0x8000) p.extd[0].a = 0; // no extended leaves at all
    else p.extd[0].a = 0x80000000 | clamp(p.extd[0].a & 0xffff, nr_extd - 1);
    for (uint32_t i = 1; i <= (p.extd_max_leaf() & 0xffff); ++i) p.extd[i] = ask(q, 0x80000000 + i, 0);
    // hv_limit/hv2_limit 0: the Xen leaves at their defaults. PLATFORM_INFO
    // and ARCH_CAPABILITIES are not offered to guests (hvm/msr.cpp).
    clear_out_of_range_leaves(p);
}

x86::CpuidRegs host_cpuid(uint32_t leaf, uint32_t sub) { return x86::cpuid(leaf, sub); }

SpinLock build_lock;
bool built = false;
CpuPolicy host_policy, hvm_max_policy;
} // namespace

const CpuPolicy& system_cpu_policy(SystemPolicy which) {
    {
        IrqSpinGuard g(build_lock);
        if (!built) {
            fill(host_policy, host_cpuid);
            fill(hvm_max_policy, hvm::max_policy_cpuid);
            built = true;
        }
    }
    return which == SystemPolicy::host ? host_policy : hvm_max_policy;
}

} // namespace cxen::arch
