// Host fake of the x86 vCPU state: common code only stores it.
#pragma once

#include <atomic>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {
struct Vcpu;
struct Domain;
} // namespace cxen

namespace cxen::arch {
struct ArchVcpu {};
[[nodiscard]] Status vcpu_arch_create(Vcpu& v);
[[nodiscard]] Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa);
void vcpu_arch_destroy(Vcpu& v);
/// Runs fake_vcpu_run_hook(v) if a test set one (the "guest"), else nothing.
void vcpu_run(Vcpu& v);
inline void (*fake_vcpu_run_hook)(Vcpu&) = nullptr;
/// Counts calls; the fake vCPU has no arch timers to move.
void vcpu_migrate_timers(Vcpu& v, unsigned cpu);
inline std::atomic<unsigned> fake_arch_timer_migrations{0};
void domain_arch_set_tsc_offset(Domain& d, uint64_t offset);
inline thread_local uint64_t fake_tsc_offset = 0;
inline uint64_t vcpu_tsc_offset(const Vcpu&) { return fake_tsc_offset; }
/// Fakes count the calls so that tests can see upcalls and kicks.
void vcpu_pend_upcall(Vcpu& v);
void vcpu_kick(Vcpu& v);
/// VCPUOP_initialise/up/down/is_up: the fakes only flip `down`.
[[nodiscard]] Status vcpu_initialise(Vcpu& caller, Vcpu& target, uint64_t ctx_gva);
[[nodiscard]] Status vcpu_up(Vcpu& target);
[[nodiscard]] Status vcpu_down(Vcpu& caller, Vcpu& target);
bool vcpu_is_up(const Vcpu& v);
/// Xen's local_events_need_delivery() for v: tests say what it returns.
inline thread_local bool fake_events_need_delivery = false;
inline bool local_events_need_delivery(Vcpu&) { return fake_events_need_delivery; }
inline thread_local unsigned fake_upcalls = 0, fake_kicks = 0;
} // namespace cxen::arch
