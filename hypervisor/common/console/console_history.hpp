// The hypervisor's console history (Xen's conring, xen/drivers/char/
// console.c): every byte printed on the console, the hypervisor's own
// lines and the guests' alike, kept in a ring that XEN_SYSCTL_readconsole
// (`xl dmesg`) reads. Indices run freely (uint32_t, wrapping); the ring
// holds the last `size` bytes, so the consumer is pulled forward when the
// producer laps it.
//
// Locking: none inside. printk.cpp's console lock serialises put(),
// copy_out() and clear_to() (see console_ring_read() there).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen {

class ConsoleHistory {
  public:
    /// Xen's default is 16 KiB, grown at boot with the CPU count; cxen
    /// keeps a fixed 64 KiB (a power of two, for the index mask).
    static constexpr uint32_t size = 64 * 1024;

    void put(const char* s, size_t len);
    uint32_t producer() const { return prod_; }
    uint32_t consumer() const { return cons_; }
    /// Copy bytes from index c towards p (c != p), at most `max` and not
    /// past the end of the buffer: the caller loops. Returns how many.
    size_t copy_out(uint32_t c, uint32_t p, char* dst, size_t max) const;
    /// Xen's clear: the consumer moves to c, or to p - size if c is older
    /// than what the ring still holds.
    void clear_to(uint32_t c, uint32_t p) { cons_ = p - c > size ? p - size : c; }

  private:
    char buf_[size] = {};
    uint32_t prod_ = 0;
    uint32_t cons_ = 0;
};

} // namespace cxen
