// CPU maps in the control interface's xenctl_bitmap form (public/xen.h:
// a guest handle to bytes, bit i of byte j is pCPU 8j+i, and nr_bits),
// converted as Xen's bitmap_to_xenctl_bitmap() / xenctl_bitmap_to_bitmap()
// (xen/common/bitmap.c) with nr_cpu_ids bits on the hypervisor's side.
#pragma once

#include "abi/xen/sysctl.hpp"
#include "common/domain.hpp"
#include "common/sched/cpumask.hpp"

namespace cxen {

/// Write `mask` into the caller's map: the first min(guest, host) bytes
/// from the mask, the rest of the guest's nr_bits as zero bytes.
/// Errors: -EFAULT.
[[nodiscard]] Status cpumask_to_xenctl_bitmap(Vcpu& v, const xenctl_bitmap& map,
                                              const CpuMask& mask);
/// Read the caller's map into `mask` (bits past its nr_bits, and past
/// nr_cpu_ids, clear). Errors: -EFAULT.
[[nodiscard]] Status xenctl_bitmap_to_cpumask(Vcpu& v, const xenctl_bitmap& map, CpuMask& mask);

} // namespace cxen
