#include "common/boot/dom0_options.hpp"

#include "common/cmdline/cmdline.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {

constexpr unsigned page_shift_ = 12;

// Parse `len` bytes at s as a size with unit (Xen's parse_size_and_unit).
bool parse_size(const char* s, size_t len, uint64_t& bytes) {
    char buf[64];
    if (len == 0 || len >= sizeof(buf)) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    auto r = parse_size_and_unit(buf);
    if (!r) return false;
    bytes = r.value();
    return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One <sz> in [s, end): `[-]<size>`, `[-]<frac>%` or `[-]<size>+<frac>%`
// (Xen's parse_amt: the size, if any, comes first).
bool parse_amount(const char* s, const char* end, Dom0MemAmount& out) {
    Dom0MemAmount a;
    a.set = true;
    if (s < end && *s == '-') {
        a.negative = true;
        ++s;
    }
    const char* plus = s;
    while (plus < end && *plus != '+') ++plus;
    const char* frac = nullptr;
    if (plus < end) { // <size>+<frac>%
        if (!parse_size(s, static_cast<size_t>(plus - s), a.bytes)) return false;
        frac = plus + 1;
    } else if (end > s && end[-1] == '%') {
        frac = s;
    } else if (!parse_size(s, static_cast<size_t>(end - s), a.bytes)) {
        return false;
    }
    if (s == end || !is_digit(*s)) return false;
    if (frac) {
        if (frac >= end || end[-1] != '%') return false;
        unsigned pct = 0;
        for (const char* p = frac; p < end - 1; ++p) {
            if (!is_digit(*p)) return false;
            pct = pct * 10 + static_cast<unsigned>(*p - '0');
            if (pct >= 100) return false;
        }
        if (frac == end - 1) return false; // "%" alone
        a.percent = pct;
    }
    out = a;
    return true;
}

// Xen's get_memsize(): pages of one amount, given what is available.
uint64_t memsize_pages(const Dom0MemAmount& a, uint64_t avail) {
    const uint64_t pages = (a.bytes >> page_shift_) + a.percent * avail / 100;
    if (!a.negative) return pages;
    return pages > avail ? 0 : avail - pages;
}

bool parse_uint(const char* s, const char* end, unsigned& out) {
    if (s == end) return false;
    uint64_t v = 0;
    for (const char* p = s; p < end; ++p) {
        if (!is_digit(*p)) return false;
        v = v * 10 + static_cast<uint64_t>(*p - '0');
        if (v > 0xffffffffu) return false;
    }
    out = static_cast<unsigned>(v);
    return true;
}

} // namespace

bool parse_dom0_mem(const char* s, Dom0Mem& out) {
    Dom0Mem m;
    const char* p = s;
    if (!*p) return false;
    while (true) {
        const char* end = p;
        while (*end && *end != ',') ++end;
        if (end == p) return false;
        Dom0MemAmount* target = &m.amount;
        const char* v = p;
        if (static_cast<size_t>(end - p) > 4 && strncmp(p, "min:", 4) == 0) {
            target = &m.min;
            v = p + 4;
        } else if (static_cast<size_t>(end - p) > 4 && strncmp(p, "max:", 4) == 0) {
            target = &m.max;
            v = p + 4;
        }
        if (!parse_amount(v, end, *target)) return false;
        if (!*end) break;
        p = end + 1;
    }
    out = m;
    return true;
}

uint64_t dom0_nr_pages(const Dom0Mem& m, uint64_t avail_pages) {
    uint64_t nr = m.amount.set ? memsize_pages(m.amount, avail_pages) : 0;
    if (nr == 0) { // Xen's default_nr_pages(): all but 1/16 or 128 MiB
        const uint64_t reserve_cap = uint64_t{128} << (20 - page_shift_);
        const uint64_t reserve = avail_pages / 16 < reserve_cap ? avail_pages / 16 : reserve_cap;
        nr = avail_pages - reserve;
    }
    if (m.min.set) {
        const uint64_t lo = memsize_pages(m.min, avail_pages);
        if (nr < lo) nr = lo;
    }
    if (m.max.set) {
        const uint64_t hi = memsize_pages(m.max, avail_pages);
        if (nr > hi) nr = hi;
    }
    return nr < avail_pages ? nr : avail_pages;
}

uint64_t dom0_max_pages(const Dom0Mem& m, uint64_t avail_pages) {
    return m.max.set ? memsize_pages(m.max, avail_pages) : UINT64_MAX;
}

bool parse_dom0_max_vcpus(const char* s, Dom0MaxVcpus& out) {
    const char* dash = s;
    while (*dash && *dash != '-') ++dash;
    const char* end = s + strlen(s);
    Dom0MaxVcpus o;
    if (!*dash) { // <n>
        if (!parse_uint(s, end, o.min) || o.min == 0) return false;
        o.max = o.min;
    } else { // [<min>]-[<max>]
        if (dash != s && !parse_uint(s, dash, o.min)) return false;
        if (dash + 1 != end && !parse_uint(dash + 1, end, o.max)) return false;
        if (o.min == 0 || o.max == 0 || o.min > o.max) return false;
    }
    out = o;
    return true;
}

unsigned dom0_vcpus(const Dom0MaxVcpus& o, unsigned nr_pcpus, unsigned limit) {
    unsigned n = nr_pcpus;
    if (n < o.min) n = o.min;
    if (n > o.max) n = o.max;
    if (n > limit) n = limit;
    return n ? n : 1;
}

bool parse_dom0_mode(const char* s, Dom0Mode& out) {
    Dom0Mode m;
    const char* p = s;
    for (;;) {
        const char* end = p;
        while (*end && *end != ',') ++end;
        const size_t len = static_cast<size_t>(end - p);
        if (len == 3 && strncmp(p, "pvh", 3) == 0) {
            m.pvh = true;
            m.pv = false;
        } else if (len == 2 && strncmp(p, "pv", 2) == 0) {
            m.pv = true;
            m.pvh = false;
        } else {
            return false;
        }
        if (!*end) break;
        p = end + 1;
    }
    out = m;
    return true;
}

} // namespace cxen
