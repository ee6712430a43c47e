// printf-style formatting for the hypervisor (no libc). Supports the
// conversions the hypervisor uses: %d %i %u %x %X %o %p %s %c %%, the length
// modifiers hh h l ll z, flags '-' '0' '+' ' ' '#', width and precision
// (either may be '*').
#pragma once

#include <cstdarg>
#include <cstddef>

namespace cxen {

/// Format into buf (always NUL-terminated when size > 0). Returns the length
/// the full output would have had, like C's vsnprintf.
int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);
int snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

} // namespace cxen
