#include "console.hpp"

#include "hypercall.hpp"
#include "string.hpp"
#include "x86.hpp"

#include "lib/base/format.hpp"

namespace cxen::guest {

namespace {

constexpr size_t line_max = 256;
// How long to wait for the ring backend (xenconsoled, or cxen's own) to make
// room or to drain, counted in SCHEDOP_yield calls. Linux waits forever;
// a test kernel would rather lose the ring than hang the run.
constexpr unsigned ring_max_yields = 200000;

constinit unsigned active = console_e9;
constinit bool auto_mode = true; ///< no console= option: io may fall back to ring
constinit char line[line_max];
constinit size_t line_len = 0;
constinit volatile xencons_interface* ring = nullptr;
constinit evtchn_port_t ring_port = 0;
constinit char sinks_name[32] = "e9";

bool is_denial(long rc) {
    return rc == -static_cast<long>(Errno::XEN_ENOSYS) || rc == -static_cast<long>(Errno::XEN_EPERM);
}

void e9_out(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) x86::outb(XEN_HVM_DEBUGCONS_IOPORT, static_cast<uint8_t>(s[i]));
}

void ring_notify() {
    evtchn_send send{};
    send.port = ring_port;
    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

void ring_yield() { (void)HYPERVISOR_sched_op(SCHEDOP_yield, nullptr); }

/// Copy into out[] as the Linux hvc_xen frontend does: free-running indices,
/// barrier before publishing out_prod, then an event. Returns false if the
/// backend made no room for ring_max_yields yields.
bool ring_put(const char* s, size_t n) {
    unsigned waited = 0;
    while (n) {
        XENCONS_RING_IDX cons = ring->out_cons;
        XENCONS_RING_IDX prod = ring->out_prod;
        x86::barrier();
        if (prod - cons > sizeof(ring->out)) return false; // backend broke the indices
        size_t space = sizeof(ring->out) - (prod - cons);
        if (space == 0) {
            ring_notify();
            ring_yield();
            if (++waited > ring_max_yields) return false;
            continue;
        }
        size_t chunk = n < space ? n : space;
        for (size_t i = 0; i < chunk; ++i) ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = s[i];
        x86::barrier();
        ring->out_prod = prod;
        ring_notify();
        s += chunk;
        n -= chunk;
    }
    return true;
}

bool ring_setup() {
    uint64_t pfn = 0, port = 0;
    if (hvm_get_param(HVM_PARAM_CONSOLE_PFN, pfn) != 0 || pfn == 0) return false;
    if (hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, port) != 0 || port == 0) return false;
    if (pfn >= (uint64_t{4} << 30) >> 12) return false; // outside the identity map
    ring = reinterpret_cast<volatile xencons_interface*>(pfn << 12);
    ring_port = static_cast<evtchn_port_t>(port);
    return true;
}

void drop(unsigned sink) {
    active &= ~sink;
    if (!active) active = console_e9;
}

void update_name() {
    sinks_name[0] = '\0';
    const char* names[] = {"console_io", "ring", "e9"};
    size_t len = 0;
    for (unsigned i = 0; i < 3; ++i) {
        if (!(active & (1u << i))) continue;
        if (len) len += strlcpy(sinks_name + len, "+", sizeof(sinks_name) - len);
        len += strlcpy(sinks_name + len, names[i], sizeof(sinks_name) - len);
    }
}

/// One line (or a full buffer) to every active sink.
void emit(const char* s, size_t n) {
    bool delivered = false;
    if (active & console_io) {
        long rc = HYPERVISOR_console_io(CONSOLEIO_write, static_cast<int>(n), s);
        if (rc == 0) delivered = true;
        else if (is_denial(rc)) {
            drop(console_io);
            if (auto_mode && !(active & console_ring) && ring_setup())
                active = (active & ~console_e9) | console_ring;
            update_name();
        }
    }
    if (active & console_ring) {
        bool ok = true;
        // \r\n: `xl console` is a terminal, and nothing else translates here.
        if (n && s[n - 1] == '\n') ok = ring_put(s, n - 1) && ring_put("\r\n", 2);
        else ok = ring_put(s, n);
        if (ok) delivered = true;
        else {
            drop(console_ring);
            update_name();
        }
    }
    if ((active & console_e9) || !delivered) e9_out(s, n);
}

void flush_line() {
    if (line_len) emit(line, line_len);
    line_len = 0;
}

} // namespace

void console_init(unsigned sinks) {
    line_len = 0;
    auto_mode = sinks == 0;
    if (!xen().present) {
        active = console_e9;
    } else if (sinks == 0) {
        long rc = HYPERVISOR_console_io(CONSOLEIO_write, 0, "");
        if (rc == 0) active = console_io;
        else if (ring_setup()) active = console_ring;
        else active = console_e9;
    } else {
        active = 0;
        if ((sinks & console_io) && HYPERVISOR_console_io(CONSOLEIO_write, 0, "") == 0)
            active |= console_io;
        if ((sinks & console_ring) && ring_setup()) active |= console_ring;
        if (sinks & console_e9) active |= console_e9;
        if (!active) active = console_e9;
    }
    update_name();
}

const char* console_sinks_name() { return sinks_name; }

void console_write(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        line[line_len++] = s[i];
        if (s[i] == '\n' || line_len == line_max) flush_line();
    }
}

void console_puts(const char* s) { console_write(s, strlen(s)); }

int vprintf(const char* fmt, va_list ap) {
    char buf[512];
    int n = cxen::vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = n < 0 ? 0 : static_cast<size_t>(n);
    if (len >= sizeof(buf)) len = sizeof(buf) - 1; // truncated
    console_write(buf, len);
    return n;
}

int printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void console_end_line() {
    if (line_len) console_write("\n", 1);
}

void console_flush() {
    flush_line();
    if (!(active & console_ring)) return;
    for (unsigned waited = 0; waited < ring_max_yields; ++waited) {
        if (ring->out_cons == ring->out_prod) return;
        ring_notify();
        ring_yield();
    }
}

void e9_write(const char* s) { e9_out(s, strlen(s)); }

} // namespace cxen::guest
