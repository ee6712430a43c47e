// A guest that breaks itself: with an empty IDT, #UD escalates to #GP, #DF
// and a triple fault. The hypervisor must destroy this domain alone and
// log why (tests/system/cases/crash.py checks its neighbour still passes).
#include "guest.hpp"

using namespace cxen::guest;

TEST_CASE("crash.triple_fault") {
    SKIP_UNLESS_XEN();
    printf("crash.triple_fault: loading an empty IDT and executing UD2\n");
    console_flush();
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty{0, 0};
    __asm__ volatile("lidt %0; ud2" ::"m"(empty) : "memory");
    CHECK(false); // not reached: the domain is gone
}
