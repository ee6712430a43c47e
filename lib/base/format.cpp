#include "lib/base/format.hpp"

#include <cstdint>

namespace cxen {

namespace {

struct Out {
    char* buf;
    size_t size;
    size_t len = 0;
    void put(char c) {
        if (len + 1 < size) buf[len] = c;
        ++len;
    }
    void repeat(char c, int n) {
        while (n-- > 0) put(c);
    }
};

struct Spec {
    bool left = false, zero = false, plus = false, space = false, alt = false;
    int width = 0;
    int precision = -1;
};

void emit_number(Out& out, uint64_t v, bool negative, unsigned base, bool upper, const Spec& s,
                 bool is_pointer) {
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (v == 0 && s.precision != 0) digits[n++] = '0';
    while (v) {
        digits[n++] = set[v % base];
        v /= base;
    }
    const char* prefix = "";
    if (negative) prefix = "-";
    else if (s.plus) prefix = "+";
    else if (s.space) prefix = " ";
    if ((s.alt || is_pointer) && base == 16) prefix = upper ? "0X" : "0x";
    else if (s.alt && base == 8 && (n == 0 || digits[n - 1] != '0')) prefix = "0";
    int plen = 0;
    while (prefix[plen]) ++plen;
    int zeros = s.precision > n ? s.precision - n : 0;
    int pad = s.width - plen - zeros - n;
    if (s.zero && !s.left && s.precision < 0) {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }
    if (!s.left) out.repeat(' ', pad);
    for (int i = 0; i < plen; ++i) out.put(prefix[i]);
    out.repeat('0', zeros);
    while (n) out.put(digits[--n]);
    if (s.left) out.repeat(' ', pad);
}

} // namespace

int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap) {
    Out out{buf, size};
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        Spec s;
        for (;; ++p) {
            if (*p == '-') s.left = true;
            else if (*p == '0') s.zero = true;
            else if (*p == '+') s.plus = true;
            else if (*p == ' ') s.space = true;
            else if (*p == '#') s.alt = true;
            else break;
        }
        if (*p == '*') {
            s.width = va_arg(ap, int);
            if (s.width < 0) {
                s.left = true;
                s.width = -s.width;
            }
            ++p;
        } else {
            while (*p >= '0' && *p <= '9') s.width = s.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            ++p;
            s.precision = 0;
            if (*p == '*') {
                s.precision = va_arg(ap, int);
                ++p;
            } else {
                while (*p >= '0' && *p <= '9') s.precision = s.precision * 10 + (*p++ - '0');
            }
        }
        int length = 0; // -2 hh, -1 h, 0 int, 1 long, 2 long long / size_t
        if (*p == 'h') {
            length = -1;
            if (*++p == 'h') {
                length = -2;
                ++p;
            }
        } else if (*p == 'l') {
            length = 1;
            if (*++p == 'l') {
                length = 2;
                ++p;
            }
        } else if (*p == 'z' || *p == 'j' || *p == 't') {
            length = 2;
            ++p;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v;
            if (length >= 1) v = length == 1 ? va_arg(ap, long) : va_arg(ap, long long);
            else v = va_arg(ap, int);
            if (length == -1) v = static_cast<short>(v);
            if (length == -2) v = static_cast<signed char>(v);
            uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
            emit_number(out, mag, v < 0, 10, false, s, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;
            if (length >= 1)
                v = length == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned long long);
            else v = va_arg(ap, unsigned int);
            if (length == -1) v = static_cast<unsigned short>(v);
            if (length == -2) v = static_cast<unsigned char>(v);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            s.plus = s.space = false;
            emit_number(out, v, false, base, *p == 'X', s, false);
            break;
        }
        case 'p': {
            auto v = reinterpret_cast<uintptr_t>(va_arg(ap, void*));
            s.plus = s.space = false;
            emit_number(out, v, false, 16, false, s, true);
            break;
        }
        case 'c': {
            char c = static_cast<char>(va_arg(ap, int));
            if (!s.left) out.repeat(' ', s.width - 1);
            out.put(c);
            if (s.left) out.repeat(' ', s.width - 1);
            break;
        }
        case 's': {
            const char* str = va_arg(ap, const char*);
            if (!str) str = "(null)";
            int n = 0;
            while ((s.precision < 0 || n < s.precision) && str[n]) ++n; // bound first: %.*s may lack a NUL
            if (!s.left) out.repeat(' ', s.width - n);
            for (int i = 0; i < n; ++i) out.put(str[i]);
            if (s.left) out.repeat(' ', s.width - n);
            break;
        }
        case '%':
            out.put('%');
            break;
        case '\0':
            --p; // format ended inside a conversion: stop at the NUL
            break;
        default: // unknown conversion: print it verbatim so the mistake shows
            out.put('%');
            out.put(*p);
            break;
        }
    }
    if (size) buf[out.len < size ? out.len : size - 1] = '\0';
    return static_cast<int>(out.len);
}

int snprintf(char* buf, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

} // namespace cxen
