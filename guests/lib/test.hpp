// Test cases and checks for guest test kernels.
//
//   TEST_CASE("event.alloc_unbound") {
//       SKIP_UNLESS_XEN();
//       evtchn_alloc_unbound op{.dom = DOMID_SELF, .remote_dom = 0};
//       CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op), 0);
//       CHECK_NE(op.port, 0u);
//   }
//
// Each check prints one line:
//   PASS <case>: <expr>
//   FAIL <case>: <expr> (got X, expected Y) at <file>:<line>
// SKIP("why") prints `SKIP <case>: why` and leaves the case. After all cases:
//   Test result: PASS|FAIL (N passed, M failed, K skipped)
// counting check lines. The format and the exit protocol: docs/guests.md.
//
// Registration is static: TEST_CASE puts a descriptor into the linker
// section `guest_tests` (no constructors). Cases run sorted by file, then
// line. The REQUIRE_* forms leave the case when they fail; like SKIP they
// `return`, so use them in the TEST_CASE body itself, not in helpers.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "abi/xen/errno.hpp"
#include "hypercall.hpp"

namespace cxen::guest {

struct TestCase {
    const char* name;
    void (*body)();
    const char* file;
    int line;
};

/// Name of the running test case ("" outside one).
const char* current_test_name();

/// All registered cases, in link order.
const TestCase* test_cases_begin();
const TestCase* test_cases_end();

/// Report a FAIL that belongs to no check (e.g. "cmdline", "framework").
void report_failure(const char* who, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/// Run the cases selected by `patterns` (comma-separated names, '*' suffix
/// wildcard; nullptr = all) and return the number of failures so far.
unsigned run_tests(const char* patterns);

/// Print the `Test result:` line and shut down: poweroff (or crash, with
/// `on_fail=crash`, if anything failed); without Xen, isa-debug-exit.
[[noreturn]] void finish_tests();

/// A FAIL line for "framework", the result line, then a crash shutdown.
[[noreturn]] void guest_panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

namespace detail {

enum class Cmp : uint8_t { eq, ne, lt, le, gt, ge };

struct ValueText {
    char text[48];
};

ValueText format_signed(long long v);
ValueText format_unsigned(unsigned long long v);
ValueText format_pointer(const volatile void* p);
ValueText format_bool(bool v);
ValueText format_errno(Errno e);

template <typename T> ValueText format_value(const T& v) {
    using U = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<U, bool>) return format_bool(v);
    else if constexpr (std::is_same_v<U, Errno>) return format_errno(v);
    else if constexpr (std::is_enum_v<U>) {
        using B = std::underlying_type_t<U>;
        if constexpr (std::is_signed_v<B>) return format_signed(static_cast<long long>(v));
        else return format_unsigned(static_cast<unsigned long long>(v));
    } else if constexpr (std::is_integral_v<U>) {
        if constexpr (std::is_signed_v<U>) return format_signed(v);
        else return format_unsigned(v);
    } else if constexpr (std::is_pointer_v<U> || std::is_array_v<U>) {
        return format_pointer(v);
    } else if constexpr (std::is_null_pointer_v<U>) {
        return format_pointer(nullptr);
    } else {
        static_assert(std::is_integral_v<U>, "CHECK_*: no way to print this type; compare integers");
        return {};
    }
}

template <typename A, typename B> bool compare(const A& a, const B& b, Cmp op) {
    using UA = std::remove_cvref_t<A>;
    using UB = std::remove_cvref_t<B>;
    // Integers of mixed signedness compare by value (std::cmp_*), so that
    // CHECK_EQ(rc, 0u) and CHECK_LT(-1, 1u) mean what they say.
    if constexpr (std::is_integral_v<UA> && std::is_integral_v<UB> && !std::is_same_v<UA, bool> &&
                  !std::is_same_v<UB, bool>) {
        // Unary + promotes char types, which std::cmp_* refuse, to int.
        switch (op) {
        case Cmp::eq: return std::cmp_equal(+a, +b);
        case Cmp::ne: return std::cmp_not_equal(+a, +b);
        case Cmp::lt: return std::cmp_less(+a, +b);
        case Cmp::le: return std::cmp_less_equal(+a, +b);
        case Cmp::gt: return std::cmp_greater(+a, +b);
        case Cmp::ge: return std::cmp_greater_equal(+a, +b);
        }
        return false;
    } else {
        switch (op) {
        case Cmp::eq: return a == b;
        case Cmp::ne: return a != b;
        case Cmp::lt: return a < b;
        case Cmp::le: return a <= b;
        case Cmp::gt: return a > b;
        case Cmp::ge: return a >= b;
        }
        return false;
    }
}

void pass(const char* expr);
void fail(const char* expr, const char* got, const char* cmp, const char* expected, const char* file,
          int line);
bool check(bool ok, const char* expr, const char* file, int line);
void skip(const char* why);
const char* cmp_prefix(Cmp op); ///< "" for eq, "not " for ne, "< " for lt, ...

template <typename A, typename B>
bool check_cmp(const A& a, const B& b, Cmp op, const char* expr, const char* file, int line) {
    if (compare(a, b, op)) {
        pass(expr);
        return true;
    }
    ValueText got = format_value(a), want = format_value(b);
    fail(expr, got.text, cmp_prefix(op), want.text, file, line);
    return false;
}

/// `rc` is a hypercall result: 0 for Errno::OK, else -errno.
bool check_errno(long rc, Errno expected, const char* expr, const char* file, int line);
bool check_streq(const char* a, const char* b, const char* expr, const char* file, int line);

} // namespace detail
} // namespace cxen::guest

#define GUEST_CAT2_(a, b) a##b
#define GUEST_CAT_(a, b) GUEST_CAT2_(a, b)

/// Define and register a test case; the body follows in braces.
#define TEST_CASE(name) GUEST_TEST_CASE_(name, GUEST_CAT_(guest_test_, __COUNTER__))
#define GUEST_TEST_CASE_(name, fn)                                                                 \
    static void fn();                                                                              \
    [[gnu::used, gnu::section("guest_tests"), gnu::aligned(8)]] static constinit const             \
        ::cxen::guest::TestCase GUEST_CAT_(fn, _case){name, fn, __FILE__, __LINE__};               \
    static void fn()

#define GUEST_CHECK_CMP_(a, b, op, text)                                                           \
    ::cxen::guest::detail::check_cmp((a), (b), ::cxen::guest::detail::Cmp::op, text, __FILE__,     \
                                     __LINE__)

#define CHECK(expr) ::cxen::guest::detail::check(static_cast<bool>(expr), #expr, __FILE__, __LINE__)
#define CHECK_EQ(a, b) GUEST_CHECK_CMP_(a, b, eq, #a " == " #b)
#define CHECK_NE(a, b) GUEST_CHECK_CMP_(a, b, ne, #a " != " #b)
#define CHECK_LT(a, b) GUEST_CHECK_CMP_(a, b, lt, #a " < " #b)
#define CHECK_LE(a, b) GUEST_CHECK_CMP_(a, b, le, #a " <= " #b)
#define CHECK_GT(a, b) GUEST_CHECK_CMP_(a, b, gt, #a " > " #b)
#define CHECK_GE(a, b) GUEST_CHECK_CMP_(a, b, ge, #a " >= " #b)
/// CHECK_ERRNO(rc, EFAULT): rc == -EFAULT, printed with errno names.
#define CHECK_ERRNO(rc, err)                                                                       \
    ::cxen::guest::detail::check_errno((rc), ::cxen::Errno::XEN_##err, #rc " == -" #err, __FILE__, \
                                       __LINE__)
/// CHECK_OK(rc): rc == 0; a failure shows the errno name.
#define CHECK_OK(rc)                                                                               \
    ::cxen::guest::detail::check_errno((rc), ::cxen::Errno::OK, #rc " == 0", __FILE__, __LINE__)
#define CHECK_STREQ(a, b)                                                                          \
    ::cxen::guest::detail::check_streq((a), (b), #a " == " #b, __FILE__, __LINE__)

#define REQUIRE(expr)                                                                              \
    do {                                                                                           \
        if (!CHECK(expr)) return;                                                                  \
    } while (0)
#define REQUIRE_EQ(a, b)                                                                           \
    do {                                                                                           \
        if (!CHECK_EQ(a, b)) return;                                                               \
    } while (0)
#define REQUIRE_OK(rc)                                                                             \
    do {                                                                                           \
        if (!CHECK_OK(rc)) return;                                                                 \
    } while (0)

/// Leave the test case, reporting `why` as a SKIP.
#define SKIP(why)                                                                                  \
    do {                                                                                           \
        ::cxen::guest::detail::skip(why);                                                          \
        return;                                                                                    \
    } while (0)

/// SKIP unless the CPUID leaves announce Xen.
#define SKIP_UNLESS_XEN()                                                                          \
    do {                                                                                           \
        if (!::cxen::guest::xen().present)                                                         \
            SKIP("Xen not detected (no XenVMMXenVMM CPUID signature)");                            \
    } while (0)
