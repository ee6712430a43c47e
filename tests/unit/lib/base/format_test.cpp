#include "lib/base/format.hpp"

#include <climits>
#include <cstdio>
#include <gtest/gtest.h>
#include <string>

namespace {
template <typename... A> std::string fmt(const char* f, A... a) {
    char buf[256];
    cxen::snprintf(buf, sizeof(buf), f, a...);
    return buf;
}
// libc's snprintf is the reference for every conversion we support.
template <typename... A> void expect_like_libc(const char* f, A... a) {
    char ref[256];
    std::snprintf(ref, sizeof(ref), f, a...);
    EXPECT_EQ(fmt(f, a...), std::string(ref)) << "format: " << f;
}
} // namespace

TEST(Format, IntegersMatchLibc) {
    expect_like_libc("%d %i %u", -42, 17, 4000000000u);
    expect_like_libc("%ld %lu %lld", LONG_MIN, ULONG_MAX, LLONG_MIN);
    expect_like_libc("%x %X %#x %o %#o", 0xbeefu, 0xbeefu, 0x10u, 8u, 8u);
    expect_like_libc("%08x|%-8d|%8d|%+d|% d", 0x1234u, 5, -5, 5, 5);
    expect_like_libc("%.5d|%8.3d|%hhu|%hd", 42, 7, 300, 70000);
    expect_like_libc("%zu %zx", size_t{123456789}, size_t{0xabc});
    expect_like_libc("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
}

TEST(Format, StringsAndChars) {
    expect_like_libc("[%s] [%10s] [%-10s] [%.3s]", "abc", "right", "left", "truncate");
    expect_like_libc("%c%c%5c", 'x', 'y', 'z');
    expect_like_libc("100%%");
    const char* volatile null_string = nullptr; // hidden from -Wformat-overflow
    EXPECT_EQ(fmt("%s", null_string), "(null)");
}

TEST(Format, PointerIsHex) {
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0xffff830000001000ull)), "0xffff830000001000");
}

TEST(Format, TruncatesAndReportsFullLength) {
    char buf[8];
    int n = cxen::snprintf(buf, sizeof(buf), "%s", "0123456789");
    EXPECT_EQ(n, 10);
    EXPECT_STREQ(buf, "0123456");
    EXPECT_EQ(cxen::snprintf(nullptr, 0, "%d", 12345), 5);
}

TEST(Format, UnknownConversionIsVisible) {
    EXPECT_EQ(fmt("a%qb"), "a%qb");
    EXPECT_EQ(fmt("end%"), "end");
}

TEST(Format, PrecisionBoundsAStringWithoutNul) {
    const char bytes[3] = {'a', 'b', 'c'}; // no terminator: reading past it is the bug
    char buf[16];
    cxen::snprintf(buf, sizeof(buf), "%.*s", 3, bytes);
    EXPECT_STREQ(buf, "abc");
}
