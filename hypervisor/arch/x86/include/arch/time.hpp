// Time keeping: the TSC is the clock (calibrated at boot against the HPET or
// the PIT), the LAPIC timer is each pCPU's one-shot event source.
#pragma once

#include <cstdint>

namespace cxen::arch {

/// Calibrate the TSC (HPET at hpet_pa if non-zero, else PIT channel 2).
void time_init(uint64_t hpet_pa);
/// Per-CPU: calibrate/enable this CPU's one-shot timer (after lapic_init).
void timer_cpu_init();

uint64_t tsc_khz();
/// Nanoseconds since time_init(), from the TSC.
uint64_t now_ns();
uint64_t tsc_to_ns(uint64_t tsc_delta);
uint64_t ns_to_tsc(uint64_t ns);
/// One TSC read and the system time (now_ns() base) it corresponds to: the
/// pair a pvclock sample needs (common/time/pvclock.cpp).
void time_sample(uint64_t& host_tsc, uint64_t& system_ns);
/// UTC (ns since the Unix epoch) at system time 0, from the CMOS RTC read
/// on first use; 0 when the RTC reads nonsense. For shared_info's wallclock.
uint64_t wallclock_at_boot_ns();
/// Busy-wait (interrupts may stay off).
void udelay(uint64_t us);

/// Program this CPU's one-shot timer to fire at `deadline_ns` (now_ns()
/// time base); a deadline in the past fires at once; UINT64_MAX stops it.
void timer_program(uint64_t deadline_ns);

/// Name of the reference used to calibrate the TSC ("HPET" or "PIT").
const char* calibration_source();
/// Measure `ms` milliseconds on the reference clock and return the TSC
/// ticks that elapsed meanwhile (for self-tests comparing the clocks).
uint64_t measure_tsc_against_reference(unsigned ms);

} // namespace cxen::arch
