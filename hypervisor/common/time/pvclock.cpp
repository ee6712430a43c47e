// Xen time for guests (see pvclock.hpp for the protocol and locking).
#include "common/time/pvclock.hpp"

#include <atomic>

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/domain.hpp"

namespace cxen {

namespace {
constexpr uint64_t ns_per_sec = 1'000'000'000;

// Stores to guest memory, ordered for a lock-free reader on another CPU
// (x86 keeps stores in order; the fence stops the compiler reordering).
inline void wmb() { std::atomic_thread_fence(std::memory_order_release); }
} // namespace

PvclockScale pvclock_scale(uint64_t tsc_hz) {
    // Xen set_time_scale(): bring the rate into (1e9, 2e9] by halving or
    // doubling, counting the shift; then mul_frac = (1e9 << 32) / rate.
    if (tsc_hz == 0) return {0, 0}; // uncalibrated: a clock that stands still, not a hang
    uint64_t tps64 = tsc_hz;
    int shift = 0;
    while (tps64 > ns_per_sec * 2) {
        tps64 >>= 1;
        --shift;
    }
    uint32_t tps32 = static_cast<uint32_t>(tps64);
    while (tps32 <= static_cast<uint32_t>(ns_per_sec)) {
        tps32 <<= 1;
        ++shift;
    }
    return {static_cast<uint32_t>((ns_per_sec << 32) / tps32), static_cast<int8_t>(shift)};
}

uint64_t pvclock_scale_delta(uint64_t delta, PvclockScale s) {
    if (s.shift < 0) delta >>= -s.shift;
    else delta <<= s.shift;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * s.mul) >> 32);
}

void pvclock_write(volatile vcpu_time_info& t, uint64_t tsc_timestamp, uint64_t system_time_ns, PvclockScale s,
                   uint8_t flags) {
    // Xen's update_vcpu_system_time(): version odd, data, version even.
    const uint32_t version = t.version;
    t.version = (version + 1) | 1;
    wmb();
    t.tsc_timestamp = tsc_timestamp;
    t.system_time = system_time_ns;
    t.tsc_to_system_mul = s.mul;
    t.tsc_shift = s.shift;
    t.flags = flags;
    wmb();
    t.version = ((version + 1) | 1) + 1;
}

void wallclock_write(volatile shared_info& si, uint64_t sec, uint32_t nsec) {
    const uint32_t version = si.wc_version;
    si.wc_version = (version + 1) | 1;
    wmb();
    si.wc_sec = static_cast<uint32_t>(sec);
    si.wc_nsec = nsec;
    si.wc_sec_hi = static_cast<uint32_t>(sec >> 32);
    wmb();
    si.wc_version = ((version + 1) | 1) + 1;
}

void vcpu_time_refresh(Vcpu& v) {
    if (!v.vcpu_info) return;
    uint64_t host_tsc, now;
    arch::time_sample(host_tsc, now);
    // TSC_STABLE stays clear (docs/pvh-guest-abi.md §11): without an
    // invariant TSC the guest keeps its clock monotonic itself.
    pvclock_write(v.vcpu_info->time, host_tsc + arch::vcpu_tsc_offset(v), now,
                  pvclock_scale(arch::tsc_khz() * 1000), 0);
}

} // namespace cxen
