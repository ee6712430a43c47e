// The backend side of a PV console ring (public/io/console.h), as
// xenconsoled's buffer_append() consumes it: the part of the hypervisor's
// console backend that touches guest memory, kept free of timers and event
// channels so that host tests can drive it (pv_console.cpp is the glue).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/domain.hpp"
#include "lib/base/result.hpp"

namespace cxen {

/// What one drain did.
struct ConsoleDrain {
    uint32_t consumed = 0; ///< bytes taken from out[] and passed to the sink
    bool broken = false;   ///< out_prod - out_cons > sizeof(out): indices ignored
};

/// Receives console bytes of d (domain_console_write() in the hypervisor).
using ConsoleSinkFn = void (*)(Domain& d, const char* s, size_t len);

/// Consume out[out_cons..out_prod) of the xencons_interface at guest-physical
/// `ring_gpa` of d: read both indices once, read the bytes after an acquire
/// barrier, hand them to `sink` in order, then (full barrier) store
/// out_cons = the out_prod read. The guest is hostile: every access goes
/// through the checked gpa copy (-EFAULT if the page left the p2m), and
/// indices more than sizeof(out) apart are left alone with `broken` set
/// (xenconsoled does the same), so the work per call is bounded by the ring
/// size. Errors: -EFAULT the page is not accessible.
[[nodiscard]] Result<ConsoleDrain> console_ring_drain(Domain& d, uint64_t ring_gpa, ConsoleSinkFn sink);

} // namespace cxen
