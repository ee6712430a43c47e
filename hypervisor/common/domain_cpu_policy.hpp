// The CPU policy a controller set for a domain (XEN_DOMCTL_set_cpu_policy;
// Xen's d->arch.cpu_policy). None set: the domain's CPUID is cxen's
// default, which is what XEN_SYSCTL_get_cpu_policy reports as hvm_default
// (common/hypercall/cpu_policy_op.cpp).
//
// Locking: written only by set_cpu_policy, under the domctl lock, with
// the domain paused and its vCPUs off their pCPUs, and only before the
// domain first runs for its controller (creation_finished); the vCPUs'
// CPUID exits read it without a lock. The storage, once allocated, lives
// as long as the Domain, so a reader never sees it freed.
#pragma once

#include "common/mm/xmalloc.hpp"
#include "lib/x86/cpu_policy.hpp"

namespace cxen {

class DomainCpuPolicy {
  public:
    DomainCpuPolicy() = default;
    DomainCpuPolicy(const DomainCpuPolicy&) = delete;
    DomainCpuPolicy& operator=(const DomainCpuPolicy&) = delete;
    ~DomainCpuPolicy() { xdelete(p_); }

    /// The policy set, or nullptr.
    const cpu_policy::CpuPolicy* get() const { return set_ ? p_ : nullptr; }
    /// Make `p` the domain's policy. -ENOMEM (the first time only).
    [[nodiscard]] Status set(const cpu_policy::CpuPolicy& p) {
        if (!p_) p_ = TRY(xnew<cpu_policy::CpuPolicy>());
        *p_ = p;
        set_ = true;
        return ok_status();
    }

  private:
    cpu_policy::CpuPolicy* p_ = nullptr;
    bool set_ = false;
};

} // namespace cxen
