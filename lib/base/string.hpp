// String and memory helpers for common code. They map to the compiler
// builtins; the hypervisor image supplies the C symbols the builtins may
// call (arch/x86/lib/string.cpp), host builds get them from libc.
#pragma once

#include <cstddef>

namespace cxen {
inline size_t strlen(const char* s) { return __builtin_strlen(s); }
inline int strcmp(const char* a, const char* b) { return __builtin_strcmp(a, b); }
inline int strncmp(const char* a, const char* b, size_t n) { return __builtin_strncmp(a, b, n); }
inline void* memcpy(void* d, const void* s, size_t n) { return __builtin_memcpy(d, s, n); }
inline void* memmove(void* d, const void* s, size_t n) { return __builtin_memmove(d, s, n); }
inline void* memset(void* d, int c, size_t n) { return __builtin_memset(d, c, n); }
inline int memcmp(const void* a, const void* b, size_t n) { return __builtin_memcmp(a, b, n); }

/// Copy at most size-1 bytes of src and NUL-terminate (size > 0).
/// Returns strlen(src), so truncation shows as a result >= size.
inline size_t strlcpy(char* dst, const char* src, size_t size) {
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}
} // namespace cxen
