// Host fake of the arch:: CPU interface: common code built into unit tests
// runs on ordinary threads, so interrupts do not exist and "relax" yields.
#pragma once

#include <thread>

namespace cxen::arch {
inline void cpu_relax() { std::this_thread::yield(); }
inline unsigned long irq_save() { return 0; }
inline void irq_restore(unsigned long) {}
inline bool irqs_enabled() { return true; }
inline void irq_enable() {}
inline void irq_disable() {}
inline void idle_halt() { std::this_thread::yield(); }
/// Unit tests may set this to model "the current CPU".
inline thread_local unsigned current_cpu = 0;
inline unsigned smp_processor_id() { return current_cpu; }
constexpr unsigned max_cpus = 64;
/// The host's physical address width: QEMU's default for its CPU models.
inline unsigned paddr_bits() { return 40; }
/// Records the last CPU poked, for tests of cross-CPU wake-ups.
inline thread_local int last_event_check = -1;
inline void send_event_check(unsigned cpu) { last_event_check = static_cast<int>(cpu); }
} // namespace cxen::arch
