// The host's wall clock as every domain sees it in shared_info (Xen's
// wc_sec/wc_nsec, xen/common/time.c): UTC at system time 0. It starts as
// the RTC's reading at boot; the control domain sets it with
// XENPF_settime32/64 (Linux's NTP sync), which rewrites every domain's
// shared_info at once, as Xen's do_settime().
//
// Locking: wallclock_lock covers the base and every write of a domain's
// wallclock fields (two writers would break the wc_version protocol), and
// the freeing of a shared_info page (wallclock_detach), so do_settime()
// never writes a page being freed. A leaf lock.
#pragma once

#include <cstdint>

#include "common/domain.hpp"

namespace cxen {

/// UTC in ns at system time 0.
uint64_t wallclock_base_ns();
/// Xen's do_settime(): UTC was secs:nsecs when system time was
/// `system_time_base_ns`; the base becomes secs*1e9 + nsecs - that (modulo
/// 2^64, as Xen's arithmetic), and every listed domain's shared_info is
/// rewritten with it.
void do_settime(uint64_t secs, uint32_t nsecs, uint64_t system_time_base_ns);
/// Write d's wallclock (the base) into its shared_info, if it has one.
/// Only a vCPU's own pCPU refreshes its vcpu_time_info (two writers would
/// break the version protocol), so this does not touch the vCPUs' time.
void domain_wallclock_refresh(Domain& d);
/// Forget a do_settime(): the RTC's reading again (host tests).
void wallclock_reset();
/// Take d's shared_info away (d is being destroyed) under the lock; the
/// caller frees the page returned (nullptr if none).
[[nodiscard]] ::shared_info* wallclock_detach(Domain& d);

} // namespace cxen
