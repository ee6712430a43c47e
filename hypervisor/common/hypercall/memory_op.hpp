// memory_op's parts, one file each (memory_op.cpp dispatches): the
// physmap sub-ops (memory_op_physmap.cpp) and XENMEM_acquire_resource
// (memory_op_resource.cpp). Internal to common/hypercall/.
#pragma once

#include <cstdint>

#include "common/domain.hpp"

namespace cxen {

constexpr unsigned memop_extent_shift = 6; // MEMOP_EXTENT_SHIFT (public/memory.h, __XEN__ only)
constexpr uint64_t memop_cmd_mask = (1u << memop_extent_shift) - 1; // MEMOP_CMD_MASK

/// XENMEM_add_to_physmap (7): whole call, cmd's start extent in `start_extent`.
long xenmem_add_to_physmap(Vcpu& cur, uint64_t start_extent, uint64_t arg);
/// XENMEM_add_to_physmap_batch (23), continuing from `start_extent`
/// (Xen's do_memory_op case and xenmem_add_to_physmap_batch()).
long xenmem_add_to_physmap_batch(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg);
/// XENMEM_remove_from_physmap (15).
long xenmem_remove_from_physmap(Vcpu& cur, uint64_t start_extent, uint64_t arg);
/// XENMEM_acquire_resource (28), continuing from `start_extent` (Xen's
/// acquire_resource()).
long xenmem_acquire_resource(Vcpu& cur, uint64_t start_extent, uint64_t arg);

} // namespace cxen
