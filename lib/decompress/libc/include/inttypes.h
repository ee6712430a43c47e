/* Only the integer types: no vendored decoder formats numbers. */
#ifndef CXEN_LIBC_INTTYPES_H
#define CXEN_LIBC_INTTYPES_H
#include <stdint.h>
#endif
