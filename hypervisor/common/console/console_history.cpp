// The console history ring (see console_history.hpp).
#include "common/console/console_history.hpp"

#include "lib/base/string.hpp"

namespace cxen {

void ConsoleHistory::put(const char* s, size_t len) {
    for (size_t i = 0; i < len; ++i) buf_[prod_++ & (size - 1)] = s[i];
    if (prod_ - cons_ > size) cons_ = prod_ - size;
}

size_t ConsoleHistory::copy_out(uint32_t c, uint32_t p, char* dst, size_t max) const {
    const uint32_t idx = c & (size - 1);
    size_t len = p - c;
    if (idx + len > size) len = size - idx;
    if (len > max) len = max;
    memcpy(dst, buf_ + idx, len);
    return len;
}

} // namespace cxen
