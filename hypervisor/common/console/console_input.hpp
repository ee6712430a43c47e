// Serial input for the hardware domain (Xen's serial_rx_ring,
// xen/drivers/char/console.c: __serial_rx() and the CONSOLEIO_read case
// of do_console_io()). Bytes typed on the hypervisor's console go to a
// small ring; the hardware domain is told with VIRQ_CONSOLE and reads them
// with CONSOLEIO_read. A full ring drops further bytes, as Xen's.
//
// cxen polls the UART (every console_input_poll_ns on pCPU 0, once dom0
// exists) instead of taking its interrupt; Xen's Ctrl-A x3 switch of the
// input to the hypervisor's own key handlers does not exist: all input is
// dom0's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/lib/spinlock.hpp"

namespace cxen {

struct Domain;

class ConsoleInput {
  public:
    /// SERIAL_RX_SIZE in Xen 4.17 (a power of two, for the index mask).
    static constexpr uint32_t size = 128;

    /// Queue one byte; false (dropped) if the ring is full.
    bool put(char c);
    /// Copy up to `max` queued bytes to dst without consuming them (at most
    /// up to the end of the buffer: the caller loops). Returns how many.
    size_t peek(char* dst, size_t max) const;
    /// Consume n bytes peek() returned.
    void consume(size_t n);
    uint32_t queued() const { return prod_ - cons_; }

  private:
    char buf_[size] = {};
    uint32_t prod_ = 0;
    uint32_t cons_ = 0;
};

/// How often the UART is polled for input.
constexpr uint64_t console_input_poll_ns = 10'000'000;

/// Start polling the console for the hardware domain `hwdom`'s input.
void console_input_start(Domain& hwdom);
SpinLock& console_input_lock();
ConsoleInput& console_input();

/// fn(the queued input for the hardware domain), under the ring's lock.
template <typename Fn> auto with_console_input(Fn&& fn) {
    IrqSpinGuard g(console_input_lock());
    return fn(console_input());
}

} // namespace cxen
