// Serial port options in Xen's syntax. Source: Xen docs, xen-command-line
// "com1,com2": <baud>[/<base-baud>][,[DPS][,[<io-base>][,[<irq>]]]], e.g.
// `com1=115200,8n1` or `com1=115200,8n1,0x2f8`. "auto" keeps the firmware's
// baud rate. The IRQ is parsed and ignored (output is polled).
#pragma once

#include <cstdint>

namespace cxen {

struct ComOptions {
    uint32_t baud = 115200; ///< 0 = "auto": leave the divisor as firmware set it
    uint8_t data_bits = 8;  ///< 5..8
    char parity = 'n';      ///< n, o, e, m, s
    uint8_t stop_bits = 1;  ///< 1 or 2
    uint16_t io_base = 0;   ///< 0 = the port's default (0x3f8 for com1)
};

/// Parse `s` into out. Returns false (out unchanged) on any malformed field.
bool parse_com_options(const char* s, ComOptions& out);

} // namespace cxen
