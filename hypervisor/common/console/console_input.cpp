#include "common/console/console_input.hpp"

#include "abi/xen/xen.hpp"
#include "arch/console.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/time/timer.hpp"
#include "lib/base/string.hpp"

namespace cxen {

bool ConsoleInput::put(char c) {
    if (prod_ - cons_ == size) return false;
    buf_[prod_ & (size - 1)] = c;
    ++prod_;
    return true;
}

size_t ConsoleInput::peek(char* dst, size_t max) const {
    const uint32_t idx = cons_ & (size - 1);
    size_t n = prod_ - cons_;
    if (idx + n > size) n = size - idx;
    if (n > max) n = max;
    memcpy(dst, buf_ + idx, n);
    return n;
}

void ConsoleInput::consume(size_t n) { cons_ += static_cast<uint32_t>(n); }

namespace {
SpinLock lock;
ConsoleInput ring;
Timer poll_timer;
Domid hwdom_id = 0;

void poll(void*) {
    bool got = false;
    char c;
    // Bounded: a UART that never runs dry (or a flood) cannot hold pCPU 0.
    for (unsigned i = 0; i < 2 * ConsoleInput::size && arch::console_getc(c); ++i) {
        IrqSpinGuard g(lock);
        got |= ring.put(c);
    }
    if (got)
        if (Domain* d = get_domain_by_id(hwdom_id)) {
            send_guest_global_virq(*d, VIRQ_CONSOLE);
            put_domain(*d);
        }
    (void)set_timer(poll_timer, arch::now_ns() + console_input_poll_ns);
}
} // namespace

SpinLock& console_input_lock() { return lock; }
ConsoleInput& console_input() { return ring; }

void console_input_start(Domain& hwdom) {
    hwdom_id = hwdom.domid;
    init_timer(poll_timer, poll, nullptr, 0);
    (void)set_timer(poll_timer, arch::now_ns() + console_input_poll_ns);
}

} // namespace cxen
