// libFuzzer target: the kernel loader (tools/loader) on arbitrary bytes.
// Every input must load or fail with a reason; a crash or a sanitizer
// report is a bug. Built and run briefly by tests/fuzz/CMakeLists.txt.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/loader/kernel_image.hpp"

namespace cxen {
// Normally from the host fakes; defined here so the target links alone.
[[noreturn]] void assert_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "ASSERT failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}
} // namespace cxen

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string why;
    // A small limit keeps each input fast; the limit logic is what matters.
    auto k = cxen::tools::load_kernel(data, size, why, 16u << 20);
    if (!k.ok() && why.empty()) {
        std::fprintf(stderr, "load_kernel failed without a reason\n");
        std::abort();
    }
    return 0;
}
