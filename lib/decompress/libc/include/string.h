/* The C string functions the vendored decompressors call, for the
 * freestanding build. The consumer supplies them (lib/README.md): the
 * hypervisor in arch/x86/lib/string.cpp. Hosted builds use libc's header. */
#ifndef CXEN_LIBC_STRING_H
#define CXEN_LIBC_STRING_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
#ifdef __cplusplus
}
#endif
#endif
