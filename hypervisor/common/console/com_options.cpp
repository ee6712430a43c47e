#include "common/console/com_options.hpp"

#include "lib/base/string.hpp"

namespace cxen {

namespace {
// Parse an unsigned number (decimal or 0x hex) ending at one of `ends`.
bool parse_num(const char*& p, uint64_t& v) {
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    const char* start = p;
    v = 0;
    for (;; ++p) {
        unsigned d;
        if (*p >= '0' && *p <= '9') d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
        else break;
        v = v * base + d;
        if (v > 0xffffffffu) return false;
    }
    return p != start;
}
} // namespace

bool parse_com_options(const char* s, ComOptions& out) {
    ComOptions o = out;
    const char* p = s;
    uint64_t v;
    if (strncmp(p, "auto", 4) == 0) {
        o.baud = 0;
        p += 4;
    } else {
        if (!parse_num(p, v) || v == 0) return false;
        o.baud = static_cast<uint32_t>(v);
    }
    if (*p == '/') { // base baud: accepted, the 16550 clock is fixed here
        ++p;
        if (!parse_num(p, v)) return false;
    }
    if (*p == ',') {
        ++p;
        if (*p && *p != ',') { // DPS
            if (p[0] < '5' || p[0] > '8') return false;
            char par = p[1];
            if (par != 'n' && par != 'o' && par != 'e' && par != 'm' && par != 's') return false;
            if (p[2] != '1' && p[2] != '2') return false;
            o.data_bits = static_cast<uint8_t>(p[0] - '0');
            o.parity = par;
            o.stop_bits = static_cast<uint8_t>(p[2] - '0');
            p += 3;
        }
        if (*p == ',') {
            ++p;
            if (*p && *p != ',') {
                if (!parse_num(p, v) || v == 0 || v > 0xffff) return false;
                o.io_base = static_cast<uint16_t>(v);
            }
            if (*p == ',') { // IRQ
                ++p;
                if (*p && !parse_num(p, v)) return false;
            }
        }
    }
    if (*p != '\0') return false;
    out = o;
    return true;
}

} // namespace cxen
