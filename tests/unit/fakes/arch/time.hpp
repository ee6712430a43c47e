// Host fake of the arch:: time interface: a clock tests set by hand and a
// record of the last hardware timer deadline programmed.
#pragma once

#include <cstdint>

namespace cxen::arch {
inline uint64_t fake_now_ns = 0;
inline uint64_t fake_programmed_deadline = UINT64_MAX;
inline uint64_t now_ns() { return fake_now_ns; }
inline void timer_program(uint64_t deadline_ns) { fake_programmed_deadline = deadline_ns; }
} // namespace cxen::arch
