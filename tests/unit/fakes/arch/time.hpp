// Host fake of the arch:: time interface: a clock tests set by hand and a
// record of the last hardware timer deadline programmed.
#pragma once

#include <cstdint>

namespace cxen::arch {
inline uint64_t fake_now_ns = 0;
/// Per thread, as the hardware timer is per pCPU (pCPUs are threads in tests).
inline thread_local uint64_t fake_programmed_deadline = UINT64_MAX;
inline uint64_t now_ns() { return fake_now_ns; }
inline void timer_program(uint64_t deadline_ns) { fake_programmed_deadline = deadline_ns; }
/// pvclock inputs (common/time/pvclock.cpp): host TSC, its rate, the wallclock.
inline uint64_t fake_tsc = 0;
inline uint64_t fake_tsc_khz = 2'000'000;
inline uint64_t fake_wallclock_at_boot_ns = 0;
inline uint64_t tsc_khz() { return fake_tsc_khz; }
inline void time_sample(uint64_t& host_tsc, uint64_t& system_ns) {
    host_tsc = fake_tsc;
    system_ns = fake_now_ns;
}
inline uint64_t wallclock_at_boot_ns() { return fake_wallclock_at_boot_ns; }
} // namespace cxen::arch
