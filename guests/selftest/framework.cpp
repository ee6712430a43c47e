// Self-check of the guest framework: boot state, fault recovery, the
// command-line parser, value printing and comparisons. Runs with or without
// Xen. With `selftest.fail=1` it also fails on purpose (checks of each kind
// and an unexpected #UD), to show what failures look like and that the run
// continues after a fault; guests/CMakeLists.txt tests both outcomes.
#include "guest.hpp"

using namespace cxen::guest;
using cxen::Errno;

extern "C" const char pml4[]; // start.S

TEST_CASE("framework.cpu_state") {
    CHECK((x86::read_cr0() & x86::cr0_pg) != 0);
    CHECK((x86::read_cr4() & x86::cr4_pae) != 0);
    CHECK((x86::rdmsr(x86::msr_efer) & x86::efer_lma) != 0);
    CHECK_EQ((x86::read_cr3() & ~uint64_t{0xfff}), reinterpret_cast<uintptr_t>(pml4));
    CHECK_EQ(image_start(), 0x100000u);
}

TEST_CASE("framework.page_tables") {
    // Inside the image: mapped.
    volatile const uint8_t* inside = reinterpret_cast<const uint8_t*>(image_start());
    FaultInfo f = catch_fault([&] { (void)*inside; });
    CHECK(!f.faulted);
    // Above 4 GiB: not mapped, a not-present read fault (error code bit 0 clear).
    volatile const uint8_t* outside = unmapped_pointer<const uint8_t>();
    f = catch_fault([&] { (void)*outside; });
    CHECK(f.faulted);
    CHECK_EQ(f.vector, 14);
    CHECK_EQ(f.cr2, unmapped_address);
    CHECK_EQ((f.error_code & 1), 0u);
}

TEST_CASE("framework.catch_fault") {
    FaultInfo f = catch_fault([] { asm volatile("ud2"); });
    CHECK(f.faulted);
    CHECK_EQ(f.vector, 6);
    CHECK_STREQ(exception_name(f.vector), "#UD");
    f = catch_fault([] { asm volatile("int3"); });
    CHECK_EQ(f.vector, 3);
    f = catch_fault([] {});
    CHECK(!f.faulted);
    // Nested: the inner catch takes the fault, the outer sees none.
    FaultInfo inner;
    f = catch_fault([&] { inner = catch_fault([] { asm volatile("ud2"); }); });
    CHECK(!f.faulted);
    CHECK_EQ(inner.vector, 6);
}

TEST_CASE("framework.format") {
    char buf[64];
    cxen::snprintf(buf, sizeof(buf), "%d|%u|%#x|%5s|%-3d|%lx", -5, 7u, 255, "ab", 4, 0x1234UL);
    CHECK_STREQ(buf, "-5|7|0xff|   ab|4  |1234");
    CHECK_STREQ(detail::format_signed(-14).text, "-14 (0xfffffffffffffff2)");
    CHECK_STREQ(detail::format_unsigned(4096).text, "4096 (0x1000)");
    CHECK_STREQ(detail::format_errno(Errno::XEN_EFAULT).text, "EFAULT (14)");
    CHECK_STREQ(detail::format_value(true).text, "true");
    CHECK_STREQ(cxen::errno_name(Errno::XEN_ENOSYS), "ENOSYS");
}

TEST_CASE("framework.compare") {
    using detail::Cmp;
    // Mixed signedness compares values, not bit patterns.
    CHECK(!detail::compare(-1, 0xffffffffu, Cmp::eq));
    CHECK(detail::compare(-1, 1u, Cmp::lt));
    CHECK_EQ(-1, -1L);
    CHECK_LT(-1, 1u);
    CHECK_NE(Errno::XEN_EFAULT, Errno::XEN_EINVAL);
    const char c = 'A';
    CHECK_EQ(c, 65); // char types compare as integers
}

TEST_CASE("framework.cmdline_parser") {
    static constinit Cmdline c{};
    CHECK(c.parse("  tests=a.b,c.* console=io,e9\trequire_xen x.y=1=2 "));
    REQUIRE_EQ(c.size(), 4u);
    CHECK_STREQ(c.key(0), "tests");
    CHECK_STREQ(c.value(0), "a.b,c.*");
    CHECK_STREQ(c.get("console"), "io,e9");
    CHECK_STREQ(c.get("require_xen"), "");
    CHECK_STREQ(c.get("x.y"), "1=2");
    CHECK(c.get("nope") == nullptr);

    static constinit char long_line[Cmdline::max_len + 16]{};
    memset(long_line, 'a', sizeof(long_line) - 1);
    CHECK(!c.parse(long_line));

    CHECK(name_matches("a.b", "x,a.b"));
    CHECK(!name_matches("a.bc", "a.b"));
    CHECK(name_matches("a.bc", "x,a.b*"));
    CHECK(!name_matches("a", ""));
    CHECK(name_matches("smoke.anything", "*"));
}

TEST_CASE("framework.registry") {
    CHECK_STREQ(current_test_name(), "framework.registry");
    size_t n = 0, malformed = 0;
    for (const TestCase* tc = test_cases_begin(); tc != test_cases_end(); ++tc, ++n)
        if (!tc->body || !tc->name[0] || tc->line <= 0) ++malformed;
    CHECK_GE(n, 10u); // the cases of this file
    CHECK_EQ(malformed, 0u);
}

TEST_CASE("framework.hypercalls_without_xen") {
    if (xen().present) SKIP("Xen is present: hypercalls are live here");
    CHECK(hypercall_mode() == HypercallMode::none);
    CHECK_ERRNO(HYPERVISOR_xen_version(XENVER_version, nullptr), ENOSYS);
    CHECK_EQ(set_hypercall_mode(HypercallMode::page), Errno::XEN_ENOSYS);
}

TEST_CASE("framework.reports_failures") {
    if (!option_enabled("selftest.fail")) SKIP("deliberate failures run only with selftest.fail=1");
    CHECK_EQ(1 + 1, 3);
    CHECK_ERRNO(-22L, EFAULT);
    CHECK_STREQ(current_test_name(), "another name");
    asm volatile("ud2"); // unexpected: fails the case, the run goes on
    CHECK(!"not reached");
}

TEST_CASE("framework.runs_after_a_fault") {
    CHECK_STREQ(current_test_name(), "framework.runs_after_a_fault");
}
