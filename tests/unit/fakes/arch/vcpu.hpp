// Host fake of the x86 vCPU state: common code only stores it.
#pragma once

#include <cstdint>

#include "common/lib/result.hpp"

namespace cxen {
struct Vcpu;
struct Domain;
} // namespace cxen

namespace cxen::arch {
struct ArchVcpu {
    bool down = false;
};
[[nodiscard]] Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa);
void vcpu_arch_destroy(Vcpu& v);
void vcpu_run(Vcpu& v);
void domain_arch_set_tsc_offset(Domain& d, uint64_t offset);
/// Fakes count the calls so that tests can see upcalls and kicks.
void vcpu_pend_upcall(Vcpu& v);
void vcpu_kick(Vcpu& v);
inline thread_local unsigned fake_upcalls = 0, fake_kicks = 0;
} // namespace cxen::arch
