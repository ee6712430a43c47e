#include "common/hypercall/cpu_policy_op.hpp"

#include "arch/cpu.hpp"
#include "arch/cpu_policy.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

using namespace cpu_policy;

namespace {
static_assert(sizeof(SerialisedLeaf) == sizeof(xen_cpuid_leaf_t));
static_assert(sizeof(SerialisedMsr) == sizeof(xen_msr_entry_t));
static_assert(XEN_CPUID_NO_SUBLEAF == no_subleaf);

/// A guest array of T (`count` is not checked here: the serialisers stop
/// at their own limits and at nr_entries).
template <typename T> struct GuestArray {
    Vcpu& v;
    uint64_t gva;
    EntryIo<T> writer() {
        return {this, [](void* ctx, uint32_t i, T& e) {
                    auto& a = *static_cast<GuestArray*>(ctx);
                    return static_cast<bool>(arch::copy_to_guest(a.v, a.gva + uint64_t{i} * sizeof(T), e));
                }};
    }
    EntryIo<T> reader() {
        return {this, [](void* ctx, uint32_t i, T& e) {
                    auto& a = *static_cast<GuestArray*>(ctx);
                    return static_cast<bool>(arch::copy_from_guest(a.v, a.gva + uint64_t{i} * sizeof(T), e));
                }};
    }
};
uint64_t handle(const auto& h) { return reinterpret_cast<uintptr_t>(h.p); }

const CpuPolicy& hvm_default() { return arch::system_cpu_policy(arch::SystemPolicy::hvm_max); }

/// The leaves and MSRs of `p` into the caller's arrays, or the maxima for
/// NULL handles (shared by the sysctl and the domctl, as in Xen).
Status serialise(Vcpu& cur, const CpuPolicy& p, uint64_t leaves, uint32_t& nr_leaves, uint64_t msrs,
                 uint32_t& nr_msrs) {
    if (!leaves) nr_leaves = max_serialised_leaves;
    else {
        GuestArray<SerialisedLeaf> a{cur, leaves};
        TRY(copy_leaves_to_buffer(p, a.writer(), nr_leaves));
    }
    if (!msrs) nr_msrs = max_serialised_msrs;
    else {
        GuestArray<SerialisedMsr> a{cur, msrs};
        TRY(copy_msrs_to_buffer(p, a.writer(), nr_msrs));
    }
    return ok_status();
}
} // namespace

long sysctl_get_cpu_policy(Vcpu& cur, xen_sysctl& op, uint64_t u_sysctl) {
    auto& cp = op.u.cpu_policy;
    if (cp._rsvd || cp.index > XEN_SYSCTL_cpu_policy_hvm_default) return err(Errno::XEN_EINVAL);
    const CpuPolicy* p = nullptr;
    switch (cp.index) {
    case XEN_SYSCTL_cpu_policy_raw:
    case XEN_SYSCTL_cpu_policy_host: p = &arch::system_cpu_policy(arch::SystemPolicy::host); break;
    case XEN_SYSCTL_cpu_policy_hvm_max:
    case XEN_SYSCTL_cpu_policy_hvm_default: p = &hvm_default(); break;
    default: return err(Errno::XEN_EOPNOTSUPP); // pv_max, pv_default: no PV
    }
    if (auto st = serialise(cur, *p, handle(cp.leaves), cp.nr_leaves, handle(cp.msrs), cp.nr_msrs); !st)
        return err(st);
    return arch::copy_to_guest(cur, u_sysctl, &op, sizeof(op)) ? 0 : err(Errno::XEN_EFAULT);
}

long sysctl_get_cpu_featureset(Vcpu& cur, xen_sysctl& op, uint64_t u_sysctl) {
    auto& fs = op.u.cpu_featureset;
    if (!handle(fs.features)) {
        fs.nr_features = nr_featureset_words;
        return arch::copy_to_guest(cur, u_sysctl, &op, sizeof(op)) ? 0 : err(Errno::XEN_EFAULT);
    }
    const uint32_t nr = fs.nr_features < nr_featureset_words ? fs.nr_features : nr_featureset_words;
    const CpuPolicy* p = nullptr;
    switch (fs.index) {
    case XEN_SYSCTL_cpu_featureset_raw:
    case XEN_SYSCTL_cpu_featureset_host: p = &arch::system_cpu_policy(arch::SystemPolicy::host); break;
    case XEN_SYSCTL_cpu_featureset_hvm:
    case XEN_SYSCTL_cpu_featureset_hvm_max: p = &hvm_default(); break;
    case XEN_SYSCTL_cpu_featureset_pv:
    case XEN_SYSCTL_cpu_featureset_pv_max: return err(Errno::XEN_EOPNOTSUPP);
    default: return err(Errno::XEN_EINVAL);
    }
    uint32_t words[nr_featureset_words];
    to_featureset(*p, words);
    if (!arch::copy_to_guest(cur, handle(fs.features), words, nr * sizeof(uint32_t))) return err(Errno::XEN_EFAULT);
    fs.nr_features = nr;
    if (!arch::copy_to_guest(cur, u_sysctl, &op, sizeof(op))) return err(Errno::XEN_EFAULT);
    return nr < nr_featureset_words ? err(Errno::XEN_ENOBUFS) : 0;
}

long domctl_get_cpu_policy(Vcpu& cur, Domain& d, xen_domctl_cpu_policy& cp) {
    const CpuPolicy* set = d.cpu_policy.get();
    const Status st = serialise(cur, set ? *set : hvm_default(), handle(cp.leaves), cp.nr_leaves, handle(cp.msrs),
                                cp.nr_msrs);
    return st ? 0 : err(st);
}

long domctl_set_cpu_policy(Vcpu& cur, Domain& d, xen_domctl& op, uint64_t u_domctl) {
    if (&d == cur.domain) return err(Errno::XEN_EINVAL); // no domain_pause() of oneself
    if (d.creation_finished.load()) return err(Errno::XEN_EEXIST); // no changing once it has run
    auto& cp = op.u.cpu_policy;
    // update_domain_cpu_policy(): start from the domain's policy.
    const CpuPolicy* old = d.cpu_policy.get();
    auto fresh = xnew<CpuPolicy>(old ? *old : hvm_default()); // 2 KiB: not on the stack
    if (!fresh) return err(fresh.error());
    CpuPolicy& p = *fresh.value();
    PolicyErrors e;
    GuestArray<SerialisedLeaf> leaves{cur, handle(cp.leaves)};
    GuestArray<SerialisedMsr> msrs{cur, handle(cp.msrs)};
    Status st = copy_leaves_from_buffer(p, leaves.reader(), cp.nr_leaves, e.leaf, e.subleaf);
    if (st) st = copy_msrs_from_buffer(p, msrs.reader(), cp.nr_msrs, e.msr);
    if (st) {
        clear_out_of_range_leaves(p);
        st = policies_are_compatible(hvm_default(), p, e);
    }
    if (st) {
        // Xen's domain_pause(): no vCPU reads the policy mid-copy.
        domain_pause(d);
        for (unsigned i = 0; i < d.max_vcpus; ++i)
            if (Vcpu* v = d.vcpus[i])
                while (v->state.load() == VcpuState::running) arch::cpu_relax();
        st = d.cpu_policy.set(p);
        domain_unpause(d);
    }
    xdelete(fresh.value());
    if (!st) { // Xen copies err_* back with the error
        cp.err_leaf = e.leaf;
        cp.err_subleaf = e.subleaf;
        cp.err_msr = e.msr;
        if (!arch::copy_to_guest(cur, u_domctl, &op, sizeof(op))) return err(Errno::XEN_EFAULT);
    }
    return st ? 0 : err(st);
}

} // namespace cxen
