#include "test.hpp"

#include <cstdarg>

#include "cmdline.hpp"
#include "console.hpp"
#include "shutdown.hpp"
#include "string.hpp"
#include "trap.hpp"

#include "lib/base/format.hpp"

// Bounds of the guest_tests section (linker.ld).
extern "C" const cxen::guest::TestCase __start_guest_tests[];
extern "C" const cxen::guest::TestCase __stop_guest_tests[];

namespace cxen::guest {

namespace {

constexpr size_t max_cases = 512;

constinit const TestCase* current = nullptr;
constinit unsigned n_passed = 0;
constinit unsigned n_failed = 0;
constinit unsigned n_skipped = 0;
constinit unsigned case_reports = 0; ///< PASS/FAIL/SKIP lines of the running case
constinit const TestCase* order[max_cases]{};
constinit bool panicking = false;

const char* who() { return current ? current->name : "framework"; }

bool runs_before(const TestCase* a, const TestCase* b) {
    int c = strcmp(a->file, b->file);
    return c < 0 || (c == 0 && a->line < b->line);
}

/// Run one case under a recovery point: an exception fails it and returns here.
[[gnu::noinline]] void run_case(const TestCase* tc) {
    current = tc;
    case_reports = 0;
    const HypercallMode mode = hypercall_mode();
    printf("RUN %s\n", tc->name);
    RecoveryPoint rp;
    push_recovery(&rp);
    if (guest_setjmp(&rp.jb) == 0) {
        tc->body();
    } else {
        const FaultInfo& f = rp.fault;
        console_end_line();
        if (f.vector == 14)
            report_failure(tc->name,
                           "unexpected exception %s (vector %u, error code %#lx) at rip %#lx, "
                           "cr2 %#lx",
                           exception_name(f.vector), f.vector, f.error_code, f.rip, f.cr2);
        else
            report_failure(tc->name, "unexpected exception %s (vector %u, error code %#lx) at rip %#lx",
                           exception_name(f.vector), f.vector, f.error_code, f.rip);
        print_trap_frame(f.frame);
    }
    pop_recovery(&rp);
    if (hypercall_mode() != mode) (void)set_hypercall_mode(mode);
    if (case_reports == 0) report_failure(tc->name, "the test case made no check");
    current = nullptr;
}

} // namespace

const char* current_test_name() { return current ? current->name : ""; }
const TestCase* test_cases_begin() { return __start_guest_tests; }
const TestCase* test_cases_end() { return __stop_guest_tests; }

void report_failure(const char* name, const char* fmt, ...) {
    console_end_line();
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    console_puts("\n");
    ++n_failed;
    ++case_reports;
}

unsigned run_tests(const char* patterns) {
    size_t n = 0;
    for (const TestCase* tc = test_cases_begin(); tc != test_cases_end(); ++tc) {
        if (n == max_cases) {
            report_failure("framework", "more than %zu test cases; the rest do not run", max_cases);
            break;
        }
        // Insertion sort by file, then line: link order is not source order.
        size_t i = n++;
        while (i > 0 && runs_before(tc, order[i - 1])) {
            order[i] = order[i - 1];
            --i;
        }
        order[i] = tc;
    }
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j)
            if (streq(order[i]->name, order[j]->name))
                report_failure("framework", "test case name '%s' used twice (%s:%d and %s:%d)",
                               order[i]->name, order[i]->file, order[i]->line, order[j]->file,
                               order[j]->line);
    if (patterns) {
        // Every pattern must select something: a misspelt name is an error.
        for (const char* p = patterns; *p;) {
            const char* end = p;
            while (*end && *end != ',') ++end;
            size_t len = static_cast<size_t>(end - p);
            bool used = false;
            for (size_t i = 0; i < n && !used; ++i) used = pattern_matches(order[i]->name, p, len);
            if (len && !used)
                report_failure("cmdline", "tests=: '%.*s' matches no test case", static_cast<int>(len), p);
            p = *end ? end + 1 : end;
        }
    }
    unsigned selected = 0;
    for (size_t i = 0; i < n; ++i) {
        if (patterns && !name_matches(order[i]->name, patterns)) continue;
        ++selected;
        run_case(order[i]);
    }
    if (selected == 0) report_failure("framework", "no test case selected");
    return n_failed;
}

void finish_tests() {
    console_end_line();
    const bool ok = n_failed == 0;
    printf("Test result: %s (%u passed, %u failed, %u skipped)\n", ok ? "PASS" : "FAIL", n_passed,
           n_failed, n_skipped);
    shutdown(ok ? Verdict::pass : Verdict::fail);
}

void guest_panic(const char* fmt, ...) {
    if (panicking) {
        e9_write("cxen guest: panic while panicking\n");
        shutdown_raw(Verdict::crash);
    }
    panicking = true;
    console_end_line();
    printf("FAIL framework: ");
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    console_puts("\n");
    ++n_failed;
    printf("Test result: FAIL (%u passed, %u failed, %u skipped)\n", n_passed, n_failed, n_skipped);
    shutdown(Verdict::crash);
}

namespace detail {

ValueText format_signed(long long v) {
    ValueText t;
    if (v <= -10 || v >= 10)
        cxen::snprintf(t.text, sizeof(t.text), "%lld (%#llx)", v, static_cast<unsigned long long>(v));
    else
        cxen::snprintf(t.text, sizeof(t.text), "%lld", v);
    return t;
}

ValueText format_unsigned(unsigned long long v) {
    ValueText t;
    if (v >= 10) cxen::snprintf(t.text, sizeof(t.text), "%llu (%#llx)", v, v);
    else cxen::snprintf(t.text, sizeof(t.text), "%llu", v);
    return t;
}

ValueText format_pointer(const volatile void* p) {
    ValueText t;
    if (p) cxen::snprintf(t.text, sizeof(t.text), "%p", const_cast<const void*>(p));
    else cxen::snprintf(t.text, sizeof(t.text), "nullptr");
    return t;
}

ValueText format_bool(bool v) {
    ValueText t;
    strlcpy(t.text, v ? "true" : "false", sizeof(t.text));
    return t;
}

ValueText format_errno(Errno e) {
    ValueText t;
    cxen::snprintf(t.text, sizeof(t.text), "%s (%d)", errno_name(e), static_cast<int>(e));
    return t;
}

const char* cmp_prefix(Cmp op) {
    switch (op) {
    case Cmp::eq: return "";
    case Cmp::ne: return "not ";
    case Cmp::lt: return "< ";
    case Cmp::le: return "<= ";
    case Cmp::gt: return "> ";
    case Cmp::ge: return ">= ";
    }
    return "? ";
}

void pass(const char* expr) {
    console_end_line();
    printf("PASS %s: %s\n", who(), expr);
    ++n_passed;
    ++case_reports;
}

void fail(const char* expr, const char* got, const char* cmp, const char* expected, const char* file,
          int line) {
    console_end_line();
    if (got)
        printf("FAIL %s: %s (got %s, expected %s%s) at %s:%d\n", who(), expr, got, cmp, expected,
               file, line);
    else printf("FAIL %s: %s at %s:%d\n", who(), expr, file, line);
    ++n_failed;
    ++case_reports;
}

bool check(bool ok, const char* expr, const char* file, int line) {
    if (ok) pass(expr);
    else fail(expr, nullptr, nullptr, nullptr, file, line);
    return ok;
}

void skip(const char* why) {
    console_end_line();
    printf("SKIP %s: %s\n", who(), why);
    ++n_skipped;
    ++case_reports;
}

namespace {

/// "0" or "-EFAULT (-14)"; an unknown or positive value prints as a number.
ValueText format_rc(long rc) {
    ValueText t;
    if (rc == 0) return format_signed(0);
    const char* name = rc < 0 && rc >= -1000 ? errno_name(static_cast<Errno>(-rc)) : "E?";
    if (name[0] == 'E' && name[1] == '?') return format_signed(rc);
    cxen::snprintf(t.text, sizeof(t.text), "-%s (%ld)", name, rc);
    return t;
}

} // namespace

bool check_errno(long rc, Errno expected, const char* expr, const char* file, int line) {
    const long want = -static_cast<long>(expected);
    if (rc == want) {
        pass(expr);
        return true;
    }
    ValueText got = format_rc(rc), exp = format_rc(want);
    fail(expr, got.text, "", exp.text, file, line);
    return false;
}

bool check_streq(const char* a, const char* b, const char* expr, const char* file, int line) {
    if (a && b && streq(a, b)) {
        pass(expr);
        return true;
    }
    char got[80], want[80];
    cxen::snprintf(got, sizeof(got), a ? "\"%.60s\"" : "%snullptr", a ? a : "");
    cxen::snprintf(want, sizeof(want), b ? "\"%.60s\"" : "%snullptr", b ? b : "");
    fail(expr, got, "", want, file, line);
    return false;
}

} // namespace detail

} // namespace cxen::guest
