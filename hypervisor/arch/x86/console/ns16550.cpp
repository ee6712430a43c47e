// 16550 UART console (polled output and input). Source: National Semiconductor
// PC16550D datasheet; register offsets from the I/O base.
#include "arch/console.hpp"
#include "arch/serial.hpp"
#include "arch/x86.hpp"

namespace cxen::arch {

namespace {
constexpr uint16_t RBR_THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5;
constexpr uint16_t DLL = 0, DLM = 1;
constexpr uint8_t LCR_DLAB = 0x80, LSR_DR = 0x01, LSR_THRE = 0x20;
constexpr uint32_t uart_clock_hz = 1843200; // 16 * 115200

uint16_t io_base = 0x3f8; // usable from the first instruction; serial_init may move it
bool enabled = true;

void put(char c) {
    // Bounded wait: a missing UART (LSR reads 0xff or never drains) must not hang us.
    for (unsigned i = 0; i < 100000 && !(x86::inb(io_base + LSR) & LSR_THRE); ++i) __asm__ volatile("pause");
    x86::outb(io_base + RBR_THR, static_cast<uint8_t>(c));
}
} // namespace

void serial_init(const ComOptions& o) {
    io_base = o.io_base ? o.io_base : 0x3f8;
    enabled = true;
    uint8_t lcr = static_cast<uint8_t>((o.data_bits - 5) | ((o.stop_bits - 1) << 2));
    switch (o.parity) {
    case 'o': lcr |= 0x08; break;
    case 'e': lcr |= 0x18; break;
    case 'm': lcr |= 0x28; break;
    case 's': lcr |= 0x38; break;
    default: break;
    }
    x86::outb(io_base + IER, 0);
    if (o.baud) {
        uint32_t divisor = uart_clock_hz / 16 / o.baud;
        if (divisor == 0) divisor = 1;
        x86::outb(io_base + LCR, LCR_DLAB);
        x86::outb(io_base + DLL, divisor & 0xff);
        x86::outb(io_base + DLM, (divisor >> 8) & 0xff);
    }
    x86::outb(io_base + LCR, lcr);
    x86::outb(io_base + FCR, 0xc7); // enable and clear FIFOs
    x86::outb(io_base + MCR, 0x03); // DTR | RTS
}

void serial_disable() { enabled = false; }

bool console_getc(char& c) {
    if (!enabled) return false;
    const uint8_t lsr = x86::inb(io_base + LSR);
    if (lsr == 0xff || !(lsr & LSR_DR)) return false; // 0xff: no UART there
    c = static_cast<char>(x86::inb(io_base + RBR_THR));
    return true;
}

void console_write(const char* s, size_t len) {
    if (!enabled) return;
    for (size_t i = 0; i < len; ++i) {
        if (s[i] == '\n') put('\r');
        put(s[i]);
    }
}

} // namespace cxen::arch
