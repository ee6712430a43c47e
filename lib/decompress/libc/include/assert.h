/* The vendored code is built with NDEBUG; assert() compiles to nothing. */
#ifndef CXEN_LIBC_ASSERT_H
#define CXEN_LIBC_ASSERT_H
#define assert(x) ((void)0)
#endif
