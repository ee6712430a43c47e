// The wall clock in shared_info (see wallclock.hpp).
#include "common/time/wallclock.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "common/lib/spinlock.hpp"
#include "common/time/pvclock.hpp"

namespace cxen {

namespace {
constexpr uint64_t ns_per_s = 1'000'000'000;
SpinLock wallclock_lock;
bool base_set = false; ///< do_settime() ran; before that the RTC's reading
uint64_t base_ns = 0;

uint64_t base_locked() {
    return base_set ? base_ns : arch::wallclock_at_boot_ns();
}
void write_locked(Domain& d, uint64_t base) {
    if (d.shared_info)
        wallclock_write(*d.shared_info, base / ns_per_s + static_cast<uint64_t>(d.time_offset_seconds),
                        static_cast<uint32_t>(base % ns_per_s)); // Xen's update_domain_wallclock_time()
}
} // namespace

uint64_t wallclock_base_ns() {
    IrqSpinGuard g(wallclock_lock);
    return base_locked();
}

void do_settime(uint64_t secs, uint32_t nsecs, uint64_t system_time_base_ns) {
    {
        IrqSpinGuard g(wallclock_lock);
        base_ns = secs * ns_per_s + nsecs - system_time_base_ns;
        base_set = true;
    }
    // Every domain in the table, in ID order, each write under the lock with
    // the base as it is then (a racing settime's writes end with the last
    // base either way); a dying domain whose page is gone has none.
    for (uint32_t next = 0; next < domid_first_reserved;) {
        DomainRef d(get_domain_from_id(static_cast<Domid>(next)));
        if (!d) break;
        next = uint32_t{d.get()->domid} + 1;
        domain_wallclock_refresh(*d.get());
    }
}

void domain_wallclock_refresh(Domain& d) {
    IrqSpinGuard g(wallclock_lock);
    write_locked(d, base_locked());
}

void wallclock_reset() {
    IrqSpinGuard g(wallclock_lock);
    base_set = false;
}

::shared_info* wallclock_detach(Domain& d) {
    IrqSpinGuard g(wallclock_lock);
    ::shared_info* si = d.shared_info;
    d.shared_info = nullptr;
    return si;
}

} // namespace cxen
