// vCPU timers: VCPUOP_set_singleshot_timer / stop_singleshot_timer and the
// periodic timer's argument checks. Expiry raises VIRQ_TIMER; the test
// binds it and polls the port's bit in shared_info.evtchn_pending (no
// upcall vector is installed). Source: public/vcpu.h, Xen common/domain.c.
#include "guest.hpp"
#include "xen_time.hpp"

using namespace cxen::guest;
using namespace cxen::guest::xen_time;

namespace {
constexpr uint64_t ms = 1'000'000;

long singleshot(unsigned vcpu, uint64_t deadline, uint32_t flags) {
    vcpu_set_singleshot_timer t{};
    t.timeout_abs_ns = deadline;
    t.flags = flags;
    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &t);
}

// VIRQ_TIMER's port on vCPU 0, bound once; 0 if event channels cannot.
evtchn_port_t timer_port(long& rc) {
    static evtchn_port_t port;
    static long saved_rc = 1;
    if (saved_rc == 1) {
        evtchn_bind_virq b{};
        b.virq = VIRQ_TIMER;
        b.vcpu = 0;
        saved_rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
        if (saved_rc == 0) port = b.port;
    }
    rc = saved_rc;
    return port;
}

bool test_and_clear_pending(shared_info* si, evtchn_port_t port) {
    auto* word = reinterpret_cast<volatile uint64_t*>(&si->evtchn_pending[port / 64]);
    const uint64_t bit = uint64_t{1} << (port % 64);
    if (!(*word & bit)) return false;
    __atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST);
    return true;
}

// Wait up to `limit_ns` for the port; the time it took, or UINT64_MAX.
uint64_t wait_pending(shared_info* si, evtchn_port_t port, uint64_t start, uint64_t limit_ns) {
    while (get_time() < start + limit_ns)
        if (test_and_clear_pending(si, port)) return get_time() - start;
    return UINT64_MAX;
}
} // namespace

TEST_CASE("time.singleshot_argument_checks") {
    SKIP_UNLESS_XEN();
    // VCPU_SSHOTTMR_future with a deadline already past: -ETIME.
    CHECK_ERRNO(singleshot(0, 1, VCPU_SSHOTTMR_future), ETIME);
    // Only the calling vCPU may arm its timer; vCPU 1 exists (vcpus = 2).
    CHECK_ERRNO(singleshot(1, get_time() + ms, 0), EINVAL);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 1, nullptr), EINVAL);
    CHECK_ERRNO(singleshot(200, get_time() + ms, 0), ENOENT);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, unmapped_pointer()), EFAULT);
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, nullptr));
}

TEST_CASE("time.periodic_timer_argument_checks") {
    SKIP_UNLESS_XEN();
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, nullptr));
    vcpu_set_periodic_timer p{};
    p.period_ns = ms - 1; // below 1 ms
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), EINVAL);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, unmapped_pointer()), EFAULT);
    p.period_ns = 10 * ms;
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &p));
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, nullptr));
}

TEST_CASE("time.singleshot_fires_virq_timer") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    long rc;
    const evtchn_port_t port = timer_port(rc);
    if (rc != 0) SKIP("EVTCHNOP_bind_virq(VIRQ_TIMER) failed: event channels not available yet");
    (void)test_and_clear_pending(si, port);
    const uint64_t start = get_time();
    REQUIRE_OK(singleshot(0, start + 5 * ms, VCPU_SSHOTTMR_future));
    const uint64_t took = wait_pending(si, port, start, 500 * ms);
    printf("  fired after %lu us (asked for 5000)\n", took == UINT64_MAX ? 0 : took / 1000);
    CHECK_NE(took, UINT64_MAX);
    CHECK_GE(took, 5 * ms);  // never early
    CHECK_LT(took, 105 * ms); // late by less than 100 ms (TCG on a loaded host)
    // A deadline in the past (flags 0, as Linux) fires at once.
    REQUIRE_OK(singleshot(0, 1, 0));
    CHECK_LT(wait_pending(si, port, get_time(), 500 * ms), 50 * ms);
}

TEST_CASE("time.stopped_singleshot_does_not_fire") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    long rc;
    const evtchn_port_t port = timer_port(rc);
    if (rc != 0) SKIP("EVTCHNOP_bind_virq(VIRQ_TIMER) failed: event channels not available yet");
    (void)test_and_clear_pending(si, port);
    REQUIRE_OK(singleshot(0, get_time() + 10 * ms, 0));
    REQUIRE_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, nullptr));
    CHECK_EQ(wait_pending(si, port, get_time(), 50 * ms), UINT64_MAX);
}

TEST_CASE("time.periodic_timer_ticks") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    long rc;
    const evtchn_port_t port = timer_port(rc);
    if (rc != 0) SKIP("EVTCHNOP_bind_virq(VIRQ_TIMER) failed: event channels not available yet");
    (void)test_and_clear_pending(si, port);
    vcpu_set_periodic_timer p{};
    p.period_ns = 10 * ms;
    REQUIRE_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &p));
    unsigned ticks = 0;
    for (int i = 0; i < 3; ++i)
        if (wait_pending(si, port, get_time(), 200 * ms) != UINT64_MAX) ++ticks;
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, nullptr));
    CHECK_EQ(ticks, 3u);
}

TEST_CASE("time.set_timer_op_fires_virq_timer") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    long rc;
    const evtchn_port_t port = timer_port(rc);
    if (rc != 0) SKIP("EVTCHNOP_bind_virq(VIRQ_TIMER) failed: event channels not available yet");
    (void)test_and_clear_pending(si, port);
    const uint64_t start = get_time();
    REQUIRE_OK(hypercall1(__HYPERVISOR_set_timer_op, start + 5 * ms));
    const uint64_t took = wait_pending(si, port, start, 500 * ms);
    CHECK_NE(took, UINT64_MAX);
    CHECK_GE(took, 5 * ms);
    CHECK_OK(hypercall1(__HYPERVISOR_set_timer_op, 0)); // 0 stops it
}
