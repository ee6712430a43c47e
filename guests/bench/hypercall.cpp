// Benchmark kernel: the round trip of a null hypercall (xen_version
// XENVER_version: no argument copy) in guest TSC cycles. Prints one
// "BENCH null_hypercall_cycles" line with the distribution over batches;
// bench/hypercall.sh collects it over several boots.
#include "bench.hpp"

using namespace cxen::guest;
using namespace cxen::guest::bench;

TEST_CASE("bench.null_hypercall") {
    SKIP_UNLESS_XEN();
    constexpr unsigned batches = 64, per_batch = 256;
    static uint64_t per_call[batches];
    for (unsigned i = 0; i < 256; ++i) (void)HYPERVISOR_xen_version(XENVER_version, nullptr); // warm up
    for (unsigned b = 0; b < batches; ++b) {
        const uint64_t t0 = rdtsc_ordered();
        for (unsigned i = 0; i < per_batch; ++i) (void)HYPERVISOR_xen_version(XENVER_version, nullptr);
        per_call[b] = (rdtsc_ordered() - t0) / per_batch;
    }
    sort(per_call, batches);
    printf("BENCH null_hypercall_cycles median=%lu min=%lu max=%lu batches=%u calls_per_batch=%u\n",
           per_call[batches / 2], per_call[0], per_call[batches - 1], batches, per_batch);
    CHECK(per_call[0] > 0u);
}
