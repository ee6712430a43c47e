// String and memory helpers for freestanding guest code. memcpy, memset,
// memmove and memcmp are also defined (string.cpp) because the compiler may
// emit calls to them even with -ffreestanding.
#pragma once

#include <cstddef>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
}

namespace cxen::guest {

size_t strlen(const char* s);
/// Length of s, at most max (does not read past s[max - 1]).
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
inline bool streq(const char* a, const char* b) { return strcmp(a, b) == 0; }
/// Copy at most size - 1 bytes and NUL-terminate; returns strlen(src).
size_t strlcpy(char* dst, const char* src, size_t size);

} // namespace cxen::guest
