/* The compiler's <limits.h> alone: without this it looks for a C library's
 * limits.h behind it (include_next), and there is none. */
#ifndef CXEN_LIBC_LIMITS_H
#define CXEN_LIBC_LIMITS_H
#define _LIBC_LIMITS_H_ 1
#include_next <limits.h>
#endif
