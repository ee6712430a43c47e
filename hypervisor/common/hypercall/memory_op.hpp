// memory_op's parts, one file each (memory_op.cpp dispatches): the
// reservation sub-ops and claims (memory_op_reservation.cpp), the memory
// map (memory_op_memmap.cpp), the PoD target (memory_op_pod.cpp), the
// physmap sub-ops (memory_op_physmap.cpp) and XENMEM_acquire_resource
// (memory_op_resource.cpp). Internal to common/hypercall/.
#pragma once

#include <cstdint>

#include "common/domain.hpp"

namespace cxen {

constexpr unsigned memop_extent_shift = 6; // MEMOP_EXTENT_SHIFT (public/memory.h, __XEN__ only)
constexpr uint64_t memop_cmd_mask = (1u << memop_extent_shift) - 1; // MEMOP_CMD_MASK

/// Xen's max_order(): the largest extent `cur` may name in a reservation
/// op, by who it is (9 a domU, 18 the control domain), whichever domain it
/// acts on.
unsigned xenmem_max_order(const Domain& cur);
/// XENMEM_populate_physmap (6), decrease_reservation (1) and
/// increase_reservation (0), continuing from `start_extent`: the number of
/// extents done (Xen's do_memory_op case).
long xenmem_reservation(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg);
/// XENMEM_current_reservation (3), maximum_reservation (4), maximum_gpfn (14).
long xenmem_reservation_stat(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg);
/// XENMEM_claim_pages (24).
long xenmem_claim_pages(Vcpu& cur, uint64_t start_extent, uint64_t arg);
/// XENMEM_set_memory_map (13) and XENMEM_memory_map (9).
long xenmem_set_memory_map(Vcpu& cur, uint64_t start_extent, uint64_t arg);
long xenmem_memory_map(Vcpu& cur, uint64_t start_extent, uint64_t arg);
/// XENMEM_set_pod_target (16) and XENMEM_get_pod_target (17).
long xenmem_pod_target(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg);
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
