// HVM save and restore of a domain's vCPU state, the core of
// XEN_DOMCTL_gethvmcontext / sethvmcontext / gethvmcontext_partial (Xen
// 4.17: xen/arch/x86/hvm/save.c hvm_save, hvm_load, hvm_save_one). The
// records and their checks are in arch/x86/hvm/save_format.hpp; the bytes
// go through a SaveIo, the caller's buffer.
#pragma once

#include <cstdint>

#include "arch/x86/hvm/save_format.hpp"
#include "lib/base/result.hpp"

namespace cxen {
struct Domain;
}

namespace cxen::arch {

using hvm::SaveIo;

/// Bytes a full save of d takes (Xen's hvm_save_size()): HEADER, CPU and
/// MTRR per vCPU, END. An upper bound: a vCPU that is down has no CPU record.
uint32_t hvm_save_size(const Domain& d);

/// Save d into at most `capacity` bytes of `out`: HEADER, CPU(i) for every
/// vCPU i that is up, MTRR(i) for every vCPU, END; d is paused meanwhile
/// and its vCPUs off their pCPUs. Returns the bytes written.
/// Errors: -EINVAL d is dying; -ENOSPC too small; -EFAULT.
[[nodiscard]] Result<uint32_t> hvm_save(Domain& d, SaveIo out, uint32_t capacity);

/// Load a stream of `size` bytes into d, paused meanwhile (Xen's hvm_load):
/// the HEADER (-ENODATA if absent, -EINVAL bad magic or version), then
/// every vCPU is taken down, then each record until END: CPU records are
/// checked and bring their vCPU up with that state, MTRR records set the
/// MTRRs and guest PAT. An earlier record stays loaded when a later one
/// fails, as in Xen. Errors: -EINVAL dying domain, unknown typecode, no
/// such vCPU, bad record; -ENODATA no END; -EFAULT.
[[nodiscard]] Status hvm_load(Domain& d, SaveIo in, uint32_t size);

/// One record's body (Xen's hvm_save_one): CPU or MTRR `instance` into
/// `body` (at most `capacity` bytes). Returns its length.
/// Errors: -EINVAL other typecode (cxen saves no others) or dying domain;
/// -ENOENT no such vCPU; -ENODATA the vCPU is down (no CPU record).
[[nodiscard]] Result<uint32_t> hvm_save_one(Domain& d, uint32_t typecode, uint32_t instance, void* body,
                                            uint32_t capacity);

} // namespace cxen::arch
