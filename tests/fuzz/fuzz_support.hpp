// What the fuzz targets of hypervisor parsers share: the two functions of
// the host fakes that those parsers call (assert_failed, log), without the
// rest of the fakes, and a check() that turns a broken property into a
// crash libFuzzer reports. Included by exactly one file of each target.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "common/console/printk.hpp"
#include "lib/base/format.hpp"

namespace cxen {

[[noreturn]] void assert_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "ASSERT failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}

// The parsers log what they reject. Each message is formatted with the
// hypervisor's own vsnprintf (so a bad format argument, e.g. a %s of an
// unterminated string, is caught by ASan) and then dropped: printing would
// slow the fuzzer down for nothing. FUZZ_LOG=1 in the environment prints.
inline bool fuzz_log_on() {
    static const bool on = std::getenv("FUZZ_LOG") != nullptr;
    return on;
}

void log(LogLevel, const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    cxen::vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (fuzz_log_on()) std::fputs(buf, stderr);
}

} // namespace cxen

namespace fuzz {

inline void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz property broken: %s\n", what);
        std::abort();
    }
}

/// A string buffer holds a NUL.
template <size_t N> bool terminated(const char (&s)[N]) {
    for (size_t i = 0; i < N; ++i)
        if (s[i] == '\0') return true;
    return false;
}

/// With FUZZ_LOG set, say what an input did (to check that seeds parse).
template <typename... A> void report(const char* fmt, A... a) {
    if (cxen::fuzz_log_on()) std::fprintf(stderr, fmt, a...);
}

} // namespace fuzz
