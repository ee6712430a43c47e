// The CPU-policy sub-ops of sysctl and domctl (Xen 4.17:
// xen/arch/x86/sysctl.c XEN_SYSCTL_get_cpu_policy / get_cpu_featureset,
// xen/arch/x86/domctl.c XEN_DOMCTL_get_cpu_policy / set_cpu_policy and
// update_domain_cpu_policy()), over lib/x86/cpu_policy.hpp. Each copies
// the op struct back itself where Xen copies back on an error too.
#pragma once

#include "abi/xen/domctl.hpp"
#include "common/domain.hpp"

namespace cxen {

/// XEN_SYSCTL_get_cpu_policy; `u_sysctl` is the caller's struct, written
/// back on success. NULL handles give the maxima (120 leaves, 2 MSRs).
/// Errors: -EINVAL _rsvd set or index above hvm_default; -EOPNOTSUPP a PV
/// policy (cxen has no PV); -ENOBUFS an array too short; -EFAULT.
[[nodiscard]] long sysctl_get_cpu_policy(Vcpu& cur, xen_sysctl& op, uint64_t u_sysctl);

/// XEN_SYSCTL_get_cpu_featureset: NULL `features` gives the count (19);
/// otherwise min(nr_features, 19) words and nr_features = that, with
/// -ENOBUFS (after the copy-back) when fewer than 19 were asked for.
/// Errors: -EINVAL bad index; -EOPNOTSUPP PV; -EFAULT.
[[nodiscard]] long sysctl_get_cpu_featureset(Vcpu& cur, xen_sysctl& op, uint64_t u_sysctl);

/// XEN_DOMCTL_get_cpu_policy of d (its policy, or hvm_default if none was
/// set): as the sysctl, copied back on success by the domctl shell.
[[nodiscard]] long domctl_get_cpu_policy(Vcpu& cur, Domain& d, xen_domctl_cpu_policy& p);

/// XEN_DOMCTL_set_cpu_policy: merge the caller's leaves and MSRs into d's
/// policy, trim, audit against hvm_max, install. On an error the struct
/// goes back to `u_domctl` with err_leaf/err_subleaf/err_msr.
/// Errors: -EINVAL own domain or incompatible; -EEXIST d already ran
/// (creation_finished); -E2BIG, -ERANGE, -EOVERFLOW from the buffers;
/// -ENOMEM; -EFAULT.
[[nodiscard]] long domctl_set_cpu_policy(Vcpu& cur, Domain& d, xen_domctl& op, uint64_t u_domctl);

} // namespace cxen
