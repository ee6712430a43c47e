// The neighbour of hostile guests (guests/hostile/fuzz.cpp): while they
// attack the hypervisor, it measures what that costs it, and fails if it is
// more than a bound or if anything of its own was lost.
//
//   - timer lateness: one singleshot timer after another (1-10 ms ahead),
//     waited for in SCHEDOP_poll on VIRQ_TIMER's port so the pCPU is free for
//     the attackers meanwhile; lateness = pvclock time (TSC-based, read as
//     Linux does) when the poll returns - the deadline;
//   - memory: neighbour_pages pages filled with a seeded pattern, re-checked a
//     few pages per timer and all at the end, and XENMEM_current_reservation,
//     which must not move.
//
//   neighbour.watch=D,D...   measure until these domains are gone
//   neighbour.min_ms=N       measure at least N ms (default 2000)
//   neighbour.max_ms=N       and at most N ms (default 600000)
//   neighbour.max_late_ms=N  bound on any timer's lateness (default 100)
//   neighbour.seed=N         the page pattern (default 1)
#include "../event/event.hpp"
#include "guest.hpp"
#include "hostile.hpp"

using namespace cxen::guest;
using namespace cxen::guest::hostile;

namespace {

constexpr unsigned neighbour_pages = 512; // 2 MiB
alignas(4096) uint8_t pages[neighbour_pages][4096];
uint64_t sums[neighbour_pages];

// Lateness samples: the first max_samples, then a uniform reservoir sample
// of all of them (long bench runs), for the median; min and max are exact.
constexpr unsigned max_samples = 32768;
int64_t lateness_ns[max_samples];

uint64_t page_sum(unsigned i) {
    uint64_t h = 0xcbf29ce484222325ull;
    const auto* w = reinterpret_cast<const volatile uint64_t*>(pages[i]);
    for (unsigned k = 0; k < 512; ++k) h = (h ^ w[k]) * 0x100000001b3ull;
    return h;
}

void fill_pages(uint64_t seed) {
    Rng r{seed | 1};
    for (unsigned i = 0; i < neighbour_pages; ++i) {
        auto* w = reinterpret_cast<uint64_t*>(pages[i]);
        for (unsigned k = 0; k < 512; ++k) w[k] = r.next();
        sums[i] = page_sum(i);
    }
}

void sort(int64_t* v, unsigned n) { // Shell sort, Ciura's gaps
    static constexpr unsigned gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1};
    for (unsigned gap : gaps)
        for (unsigned i = gap; i < n; ++i) {
            const int64_t x = v[i];
            unsigned j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap) v[j] = v[j - gap];
            v[j] = x;
        }
}

// A progress line every progress_every timers, so that a long run keeps its
// figures if it never gets to the end (bench/hostile.sh reads the last one).
constexpr unsigned progress_every = 4096;
int64_t sorted[max_samples];

int64_t median_of(unsigned stored) {
    if (!stored) return 0;
    memcpy(sorted, lateness_ns, stored * sizeof(int64_t));
    sort(sorted, stored);
    return sorted[stored / 2];
}

void print_progress(unsigned n, unsigned stored, int64_t min, int64_t max) {
    printf("  neighbour progress n=%u median=%ld min=%ld max=%ld\n", n, median_of(stored) / 1000, min / 1000,
           max / 1000);
}

long current_reservation() {
    domid_t self = DOMID_SELF;
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

/// The domains of `neighbour.watch=` (comma-separated); their number.
unsigned watched(domid_t* out, unsigned max) {
    const char* s = option("neighbour.watch");
    unsigned n = 0;
    while (s && *s && n < max) {
        unsigned v = 0;
        for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + static_cast<unsigned>(*s - '0');
        out[n++] = static_cast<domid_t>(v);
        if (*s == ',') ++s;
        else break;
    }
    return n;
}

bool any_alive(const domid_t* d, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        if (domain_exists(d[i])) return true;
    return false;
}

} // namespace

TEST_CASE("neighbour.unharmed_by_attackers") {
    SKIP_UNLESS_XEN();
    const uint64_t min_ns = option_u64("neighbour.min_ms", 2000) * 1'000'000;
    const uint64_t max_ns = option_u64("neighbour.max_ms", 600'000) * 1'000'000;
    const int64_t bound_ns = static_cast<int64_t>(option_u64("neighbour.max_late_ms", 100) * 1'000'000);
    domid_t watch[8];
    const unsigned nr_watch = watched(watch, 8);
    shared_info* si = event::shinfo();
    REQUIRE(si != nullptr);
    const long bound = event::bind_virq(VIRQ_TIMER, 0);
    REQUIRE(bound > 0);
    evtchn_port_t port = static_cast<evtchn_port_t>(bound);
    fill_pages(option_u64("neighbour.seed", 1));
    const long reservation = current_reservation();
    CHECK_GT(reservation, 0l);
    const bool alive_at_start = any_alive(watch, nr_watch);
    CHECK_EQ(alive_at_start, nr_watch > 0); // else nothing was measured under attack
    printf("  watching %u domain(s), bound %ld ms, %u pages of %lu\n", nr_watch, bound_ns / 1'000'000,
           neighbour_pages, reservation);

    const volatile vcpu_time_info& clock = si->vcpu_info[0].time;
    Rng r{0x5eed};
    unsigned n = 0, stored = 0, missed = 0, early = 0, over = 0, bad_pages = 0, reservation_moves = 0;
    unsigned lost_wakeups = 0;
    int64_t min = INT64_MAX, max = INT64_MIN;
    const uint64_t t0 = xen_time::pvclock_read(clock);
    for (;;) {
        const uint64_t now = xen_time::pvclock_read(clock);
        const uint64_t elapsed = now - t0;
        if (elapsed >= max_ns) break;
        if (elapsed >= min_ns && (n % 16 == 0) && !any_alive(watch, nr_watch)) break;
        const uint64_t deadline = now + 1'000'000 + r.below(9'000'000);
        vcpu_set_singleshot_timer t{};
        t.timeout_abs_ns = deadline;
        if (HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t) != 0) {
            ++missed;
            continue;
        }
        // Poll until the timer's port is pending; a 5 s timeout ends a lost timer.
        const uint64_t give_up = deadline + 5'000'000'000ull;
        while (!event::pending(si, port))
            if (event::poll(&port, 1, give_up) != 0 || xen_time::pvclock_read(clock) > give_up) break;
        const uint64_t woken = xen_time::pvclock_read(clock);
        const int64_t late = static_cast<int64_t>(woken - deadline);
        // Pending, but only the poll's own timeout woke us: the timer's
        // event did not end the poll.
        lost_wakeups += woken >= give_up && event::pending(si, port);
        if (!event::pending(si, port)) {
            ++missed;
        } else {
            event::clear_pending(si, port);
            ++n;
            if (stored < max_samples) lateness_ns[stored++] = late;
            else if (const uint64_t j = r.below(n); j < max_samples) lateness_ns[j] = late; // reservoir
            min = late < min ? late : min;
            max = late > max ? late : max;
            early += late < -100'000; // pvclock and Xen's NOW() agree to within far less
            over += late > bound_ns;
        }
        event::clear_upcall(si);
        if (n % progress_every == 0 && n) print_progress(n, stored, min, max);
        // A few pages per timer, the reservation every 16.
        for (unsigned k = 0; k < 4; ++k) {
            const unsigned i = (n * 4 + k) % neighbour_pages;
            bad_pages += page_sum(i) != sums[i];
        }
        if (n % 16 == 0) reservation_moves += current_reservation() != reservation;
    }
    for (unsigned i = 0; i < neighbour_pages; ++i) bad_pages += page_sum(i) != sums[i];
    reservation_moves += current_reservation() != reservation;
    const int64_t median = median_of(stored);
    printf("  %u timers, %u missed, %u early, %u over the bound, %u woken only by the poll timeout; lateness us: "
           "median %ld, min %ld, max %ld\n",
           n, missed, early, over, lost_wakeups, median / 1000, stored ? min / 1000 : 0, stored ? max / 1000 : 0);
    printf("BENCH neighbour_timer_lateness_us n=%u median=%ld min=%ld max=%ld lost_wakeups=%u\n", n, median / 1000,
           stored ? min / 1000 : 0, stored ? max / 1000 : 0, lost_wakeups);
    CHECK_GT(n, 0u);
    CHECK_EQ(missed, 0u);
    CHECK_EQ(early, 0u);
    CHECK_EQ(over, 0u);
    CHECK_EQ(lost_wakeups, 0u);
    CHECK_EQ(bad_pages, 0u);
    CHECK_EQ(reservation_moves, 0u);
}
