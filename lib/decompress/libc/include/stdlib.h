/* malloc and friends for the vendored decompressors, freestanding. There is
 * no default heap: every decoder is handed the caller's allocator
 * (lib/decompress/allocator.hpp), and these fail, so a path that forgot it
 * returns an out-of-memory error instead of touching a heap. */
#ifndef CXEN_LIBC_STDLIB_H
#define CXEN_LIBC_STDLIB_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* malloc(size_t n);
void* calloc(size_t nmemb, size_t size);
void free(void* p);
#ifdef __cplusplus
}
#endif
#endif
