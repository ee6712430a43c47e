// ASSERT is for the hypervisor's own invariants (never for guest input).
// It is compiled in for debug and CI builds (CXEN_DEBUG) and in host tests.
#pragma once

namespace cxen {
/// Report a failed assertion and stop: in the hypervisor this panics (and
/// stops every CPU); in host tests the fake prints and aborts.
[[noreturn]] void assert_failed(const char* expr, const char* file, int line);
} // namespace cxen

#if defined(CXEN_DEBUG) || defined(CXEN_HOST_TEST)
#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) [[unlikely]]                                                                  \
            ::cxen::assert_failed(#cond, __FILE__, __LINE__);                                      \
    } while (0)
#else
#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        (void)sizeof(cond);                                                                        \
    } while (0)
#endif

/// Like ASSERT but always compiled in: for checks whose failure would corrupt
/// memory (allocator metadata, lock state).
#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond) [[unlikely]]                                                                     \
            ::cxen::assert_failed("BUG_ON(" #cond ")", __FILE__, __LINE__);                        \
    } while (0)
