// The domU side of the dom0 foreign-mapping system case
// (tests/system/cases/dom0.py, dom0_maps_a_domu): a page of this kernel's
// image starts with a marker that dom0's probe (tests/dom0/foreign_probe.cpp)
// looks for in the domain's memory through privcmd's foreign mapping; the
// probe then writes a reply word into it, which this domain sees in its own
// RAM. It waits (halted, woken every 50 ms) up to
// `foreign.wait_s=N` seconds (default 600) for the reply.
#include "guest.hpp"
#include "smp.hpp"

using namespace cxen::guest;

namespace {
// Page-aligned in .data (not .rodata: the initialiser is the page itself,
// so the marker exists once in the image).
struct alignas(4096) Target {
    char marker[32];
    volatile uint64_t reply; ///< offset 32: dom0 writes foreign_reply here
    uint8_t rest[4096 - 40];
};
Target target = {{'c', 'x', 'e', 'n', '-', 'f', 'o', 'r', 'e', 'i', 'g', 'n', '-', 't', 'a', 'r',
                  'g', 'e', 't', '-', 'p', 'a', 'g', 'e', '-', 'v', '1', 0, 0, 0, 0, 0},
                 0,
                 {}};
constexpr uint64_t foreign_reply = 0x0123456789abcdefull;

unsigned wait_s() {
    unsigned s = 0;
    for (const char* c = option("foreign.wait_s"); c && *c >= '0' && *c <= '9'; ++c) s = s * 10 + unsigned(*c - '0');
    return s ? s : 600;
}
} // namespace

TEST_CASE("control.foreign_target_written_by_dom0") {
    SKIP_UNLESS_XEN();
    printf("foreign target page at gfn %#lx\n", reinterpret_cast<uint64_t>(&target) >> 12);
    CHECK(halt_until([] { return target.reply == foreign_reply; }, wait_s() * 1000));
    CHECK_EQ(target.marker[0], 'c');
}
