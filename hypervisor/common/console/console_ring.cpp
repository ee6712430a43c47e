// Draining a PV console ring's output half (see console_ring.hpp).
// Barriers follow public/io/console.h's protocol: the producer writes the
// bytes, then out_prod; we read out_prod, then the bytes (acquire), then
// publish out_cons after we are done with them (full barrier, xen_mb()).
//
// Locking: none here; pv_console.cpp serialises drains of one ring.
#include "common/console/console_ring.hpp"

#include <atomic>

#include "abi/xen/console.hpp"
#include "arch/guest_access.hpp"

namespace cxen {

Result<ConsoleDrain> console_ring_drain(Domain& d, uint64_t ring_gpa, ConsoleSinkFn sink) {
    constexpr uint64_t out_off = offsetof(xencons_interface, out);
    constexpr uint32_t ring_size = sizeof(xencons_interface::out);
    static_assert((ring_size & (ring_size - 1)) == 0, "MASK_XENCONS_IDX needs a power of two");

    if (ring_gpa > ~uint64_t{0} - sizeof(xencons_interface)) return Err(Errno::XEN_EFAULT); // offsets would wrap
    XENCONS_RING_IDX idx[2]; // out_cons, out_prod: adjacent, read together once
    static_assert(offsetof(xencons_interface, out_prod) == offsetof(xencons_interface, out_cons) + 4);
    TRY(arch::copy_from_gpa(d, ring_gpa + offsetof(xencons_interface, out_cons), idx, sizeof(idx)));
    const XENCONS_RING_IDX cons = idx[0], prod = idx[1];
    std::atomic_thread_fence(std::memory_order_acquire); // bytes after the index (xen_rmb)

    ConsoleDrain r;
    const uint32_t size = prod - cons; // free-running u32 indices: wraps correctly
    if (size == 0) return r;
    if (size > ring_size) {
        r.broken = true;
        return r;
    }
    char buf[256];
    uint32_t done = 0;
    while (done < size) {
        const uint32_t at = (cons + done) & (ring_size - 1); // MASK_XENCONS_IDX
        uint32_t n = size - done;
        if (n > ring_size - at) n = ring_size - at; // up to the end of out[]
        if (n > sizeof(buf)) n = sizeof(buf);
        TRY(arch::copy_from_gpa(d, ring_gpa + out_off + at, buf, n));
        sink(d, buf, n);
        done += n;
    }
    std::atomic_thread_fence(std::memory_order_seq_cst); // done reading before freeing the space (xen_mb)
    const XENCONS_RING_IDX new_cons = cons + size;
    TRY(arch::copy_to_gpa(d, ring_gpa + offsetof(xencons_interface, out_cons), &new_cons, sizeof(new_cons)));
    r.consumed = size;
    return r;
}

} // namespace cxen
