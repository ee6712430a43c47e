// XEN_DOMCTL_gethvmcontext, sethvmcontext and gethvmcontext_partial
// (public/domctl.h), as Xen 4.17's arch_do_domctl() (xen/arch/x86/domctl.c):
// the argument checks and the caller's buffer; the records themselves are
// arch::hvm_save / hvm_load / hvm_save_one (arch/hvm_save.hpp).
// Called by do_domctl() past xsm_domctl, under the domctl lock.
#pragma once

#include "abi/xen/domctl.hpp"
#include "common/domain.hpp"

namespace cxen {

/// gethvmcontext of d by `caller`: a NULL buffer asks for the size (OUT
/// `size`); otherwise the records go into the buffer and `size` says how
/// many bytes. Errors: -EINVAL d is the caller's own domain (Xen cannot
/// pause it) or dying; -ENOSPC `size` below what the save needs; -EFAULT.
[[nodiscard]] long domctl_gethvmcontext(Vcpu& caller, Domain& d, xen_domctl_hvmcontext& c);

/// sethvmcontext: load `size` bytes of records from the buffer into d
/// (arch::hvm_load). Errors: -EINVAL own domain, and hvm_load's.
[[nodiscard]] long domctl_sethvmcontext(Vcpu& caller, Domain& d, const xen_domctl_hvmcontext& c);

/// gethvmcontext_partial: one record's body (CPU or MTRR of a vCPU); a
/// NULL buffer asks for its length (OUT `bufsz`). Errors: -EINVAL own
/// domain or another typecode; -ENOENT no such vCPU; -ENODATA the vCPU is
/// down; -ENOBUFS `bufsz` too small; -EFAULT.
[[nodiscard]] long domctl_gethvmcontext_partial(Vcpu& caller, Domain& d, xen_domctl_hvmcontext_partial& p);

} // namespace cxen
