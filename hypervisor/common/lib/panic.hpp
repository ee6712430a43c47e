// Fatal errors of the hypervisor itself (broken host state, violated
// invariants): print, stop every CPU, report the verdict, never return.
#pragma once

namespace cxen {
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
} // namespace cxen
