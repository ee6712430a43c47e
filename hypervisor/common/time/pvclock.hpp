// Xen time for guests: the pvclock in each vCPU's vcpu_time_info and the
// wallclock in shared_info (public/xen.h, struct vcpu_time_info and
// shared_info.wc_*). Guest system time is the hypervisor's system time
// (arch::now_ns(), ns since boot): the same timebase as
// VCPUOP_set_singleshot_timer deadlines and HVMOP_get_time.
//
// The guest computes
//   time = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul >> 32
// (a right shift for negative tsc_shift) with tsc its own RDTSC, i.e. host
// TSC + the domain's TSC offset; so tsc_timestamp is in guest TSC units.
//
// Locking: none. Only the pCPU running (or about to run) a vCPU, or the vCPU
// itself in a hypercall, writes that vCPU's vcpu_time_info; the guest reads
// it lock-free, guarded by `version` (odd while an update is in progress).
// The wallclock is written by the vCPU that maps shared_info, guarded by
// wc_version likewise (two vCPUs mapping it at once could interleave).
#pragma once

#include <cstdint>

struct vcpu_time_info;
struct shared_info;

namespace cxen {

struct Vcpu;
struct Domain;

/// tsc_to_system_mul / tsc_shift of a vcpu_time_info.
struct PvclockScale {
    uint32_t mul;
    int8_t shift;
};

/// The scale that turns ticks of a `tsc_hz` counter into ns, computed as
/// Xen's set_time_scale() (xen/arch/x86/time.c): shift the rate into
/// (1e9, 2e9], then mul = (1e9 << 32) / rate. tsc_hz == 0 gives mul 0.
[[nodiscard]] PvclockScale pvclock_scale(uint64_t tsc_hz);

/// Ticks -> ns with `s`, exactly as the guest does it (Linux
/// pvclock_scale_delta(), Xen scale_delta()): 128-bit intermediate.
[[nodiscard]] uint64_t pvclock_scale_delta(uint64_t delta, PvclockScale s);

/// Write a new sample into `t` with the version protocol: version made odd,
/// fields written, version made even again (each step ordered by a release
/// fence). `t` may live in guest memory.
void pvclock_write(volatile vcpu_time_info& t, uint64_t tsc_timestamp, uint64_t system_time_ns,
                   PvclockScale s, uint8_t flags);

/// Write the wallclock (UTC of system time 0) into shared_info with the
/// wc_version protocol. Source: public/xen.h wc_version/wc_sec/wc_nsec/wc_sec_hi.
void wallclock_write(volatile shared_info& si, uint64_t sec, uint32_t nsec);

/// Refresh v's vcpu_time_info (wherever v->vcpu_info is) from a fresh
/// sample of the host TSC and system time. Called when v is scheduled in,
/// on VCPUOP_register_vcpu_info and when shared_info is mapped.
/// Source: Xen update_vcpu_system_time().
void vcpu_time_refresh(Vcpu& v);

// A domain's wallclock: domain_wallclock_refresh() in wallclock.hpp.

} // namespace cxen
