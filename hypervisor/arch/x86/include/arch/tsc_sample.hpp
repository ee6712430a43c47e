// A reading of another clock paired with the TSC, for calibrations (the
// TSC against the HPET or the PIT, the LAPIC timer against the TSC). Under
// emulation the CPU can be descheduled between any two reads, so of a few
// tries keep the one whose two TSC reads bracket the other read tightest,
// and date it at the middle of that bracket.
#pragma once

#include <cstdint>

#include "arch/x86.hpp"

namespace cxen::arch {

template <typename T> struct TscSample {
    uint64_t tsc;
    T value;
};

template <typename Read> auto tsc_sample(Read read) -> TscSample<decltype(read())> {
    TscSample<decltype(read())> best{0, {}};
    uint64_t best_gap = UINT64_MAX;
    for (int i = 0; i < 8; ++i) {
        const uint64_t t0 = x86::rdtsc_ordered();
        const auto v = read();
        const uint64_t t1 = x86::rdtsc_ordered();
        if (t1 - t0 < best_gap) {
            best_gap = t1 - t0;
            best = {t0 + (t1 - t0) / 2, v};
        }
    }
    return best;
}

} // namespace cxen::arch
