// Host implementations of the arch:: functions that common code calls.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "arch/console.hpp"
#include "common/lib/assert.hpp"

namespace cxen {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "ASSERT failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}
} // namespace cxen

namespace cxen::arch {
std::string& fake_console() {
    static std::string out;
    return out;
}
void console_write(const char* s, size_t len) { fake_console().append(s, len); }
} // namespace cxen::arch
