/* The allocation entry points of include/stdlib.h: always fail (see there). */
#include <stdlib.h>

void* malloc(size_t n) { (void)n; return NULL; }
void* calloc(size_t nmemb, size_t size) { (void)nmemb; (void)size; return NULL; }
void free(void* p) { (void)p; }
