// A set of pCPUs (Xen's cpumask_t): one bit per pCPU up to arch::max_cpus.
// Used for a vCPU's hard and soft affinity and the scheduler's online pCPUs.
//
// Locking: none inside; a CpuMask is a value. Its owner says which lock
// covers it (a vCPU's affinities: its pCPU's scheduler lock, sched.hpp).
#pragma once

#include <cstdint>

#include "arch/cpu.hpp"

namespace cxen {

class CpuMask {
  public:
    static constexpr unsigned nr_bits = arch::max_cpus;

    constexpr CpuMask() = default;
    /// {cpu} (Xen's cpumask_of()).
    static constexpr CpuMask of(unsigned cpu) {
        CpuMask m;
        m.set(cpu);
        return m;
    }
    /// Every pCPU (Xen's cpumask_all): a vCPU's default affinities.
    static constexpr CpuMask all() { return first_n(nr_bits); }
    /// {0 .. n-1}.
    static constexpr CpuMask first_n(unsigned n) {
        CpuMask m;
        for (unsigned c = 0; c < n && c < nr_bits; ++c) m.set(c);
        return m;
    }

    constexpr void set(unsigned cpu) {
        if (cpu < nr_bits) w_[cpu / 64] |= bit(cpu);
    }
    constexpr void clear(unsigned cpu) {
        if (cpu < nr_bits) w_[cpu / 64] &= ~bit(cpu);
    }
    constexpr bool test(unsigned cpu) const { return cpu < nr_bits && (w_[cpu / 64] & bit(cpu)) != 0; }
    constexpr bool empty() const {
        for (uint64_t w : w_)
            if (w) return false;
        return true;
    }
    constexpr unsigned weight() const {
        unsigned n = 0;
        for (uint64_t w : w_) n += static_cast<unsigned>(__builtin_popcountll(w));
        return n;
    }
    /// The lowest pCPU at or above `from`, or nr_bits if none (cpumask_next).
    constexpr unsigned next(unsigned from) const {
        for (unsigned c = from; c < nr_bits; ++c)
            if (test(c)) return c;
        return nr_bits;
    }
    constexpr unsigned first() const { return next(0); }
    /// The lowest pCPU above `after`, wrapping round (cpumask_cycle), or
    /// nr_bits if the mask is empty.
    constexpr unsigned cycle(unsigned after) const {
        unsigned c = next(after + 1);
        return c < nr_bits ? c : first();
    }
    constexpr bool intersects(const CpuMask& o) const { return !(*this & o).empty(); }
    constexpr bool subset_of(const CpuMask& o) const { return (*this & o) == *this; }

    constexpr CpuMask operator&(const CpuMask& o) const {
        CpuMask r;
        for (unsigned i = 0; i < words; ++i) r.w_[i] = w_[i] & o.w_[i];
        return r;
    }
    constexpr CpuMask operator|(const CpuMask& o) const {
        CpuMask r;
        for (unsigned i = 0; i < words; ++i) r.w_[i] = w_[i] | o.w_[i];
        return r;
    }
    constexpr bool operator==(const CpuMask& o) const {
        for (unsigned i = 0; i < words; ++i)
            if (w_[i] != o.w_[i]) return false;
        return true;
    }

  private:
    static constexpr unsigned words = (nr_bits + 63) / 64;
    static constexpr uint64_t bit(unsigned cpu) { return uint64_t{1} << (cpu % 64); }
    uint64_t w_[words] = {};
};

/// Iterate: for (unsigned c = m.first(); c < CpuMask::nr_bits; c = m.next(c + 1)).

} // namespace cxen
