#include "common/lib/symbols.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using cxen::SymbolHit;
using cxen::SymbolTable;
using cxen::symbol_lookup;

namespace {

// foo [0x1000,0x1010), bar [0x1010,0x1100), baz [0x1100,0x2000), end 0x2000.
constexpr uint64_t addrs[] = {0x1000, 0x1010, 0x1100, 0x2000};
constexpr char strings[] = "foo\0bar\0cxen::baz(int)\0_etext";
constexpr uint32_t name_offsets[] = {0, 4, 8, 23};
constexpr SymbolTable table{4, addrs, name_offsets, strings};

SymbolHit must_find(const SymbolTable& t, uint64_t addr) {
    SymbolHit hit{};
    EXPECT_TRUE(symbol_lookup(t, addr, hit)) << std::hex << addr;
    return hit;
}

} // namespace

TEST(SymbolLookup, ExactStartHasOffsetZero) {
    SymbolHit h = must_find(table, 0x1010);
    EXPECT_STREQ(h.name, "bar");
    EXPECT_EQ(h.offset, 0u);
    EXPECT_EQ(h.size, 0xf0u);
}

TEST(SymbolLookup, MiddleOfSymbolGivesOffsetAndSize) {
    SymbolHit h = must_find(table, 0x1234);
    EXPECT_STREQ(h.name, "cxen::baz(int)");
    EXPECT_EQ(h.offset, 0x134u);
    EXPECT_EQ(h.size, 0xf00u);
}

TEST(SymbolLookup, FirstAndLastBytesOfEachSymbol) {
    const char* names[] = {"foo", "bar", "cxen::baz(int)"};
    for (size_t i = 0; i < 3; ++i) {
        SymbolHit first = must_find(table, addrs[i]);
        SymbolHit last = must_find(table, addrs[i + 1] - 1);
        EXPECT_STREQ(first.name, names[i]);
        EXPECT_STREQ(last.name, names[i]);
        EXPECT_EQ(first.offset, 0u);
        EXPECT_EQ(last.offset, addrs[i + 1] - 1 - addrs[i]);
        EXPECT_EQ(first.size, addrs[i + 1] - addrs[i]);
    }
}

TEST(SymbolLookup, BeforeFirstSymbolIsNotFound) {
    SymbolHit h{"untouched", 7, 7};
    EXPECT_FALSE(symbol_lookup(table, 0xfff, h));
    EXPECT_FALSE(symbol_lookup(table, 0, h));
    EXPECT_STREQ(h.name, "untouched");
    EXPECT_EQ(h.offset, 7u);
}

TEST(SymbolLookup, AtOrAfterEndMarkerIsNotFound) {
    SymbolHit h{};
    EXPECT_FALSE(symbol_lookup(table, 0x2000, h));
    EXPECT_FALSE(symbol_lookup(table, 0x2001, h));
    EXPECT_FALSE(symbol_lookup(table, UINT64_MAX, h));
}

TEST(SymbolLookup, EmptyTableFindsNothing) {
    const SymbolTable empty{0, nullptr, nullptr, ""};
    SymbolHit h{};
    EXPECT_FALSE(symbol_lookup(empty, 0, h));
    EXPECT_FALSE(symbol_lookup(empty, 0x1000, h));
}

TEST(SymbolLookup, TableWithOnlyEndMarkerFindsNothing) {
    const uint64_t a[] = {0x1000};
    const uint32_t o[] = {0};
    const SymbolTable only_end{1, a, o, "_etext"};
    SymbolHit h{};
    EXPECT_FALSE(symbol_lookup(only_end, 0xfff, h));
    EXPECT_FALSE(symbol_lookup(only_end, 0x1000, h));
}

TEST(SymbolLookup, SingleSymbol) {
    const uint64_t a[] = {0xffffffff80200000, 0xffffffff80200040};
    const uint32_t o[] = {0, 6};
    const SymbolTable one{2, a, o, "entry\0_etext"};
    SymbolHit h = must_find(one, 0xffffffff8020003f);
    EXPECT_STREQ(h.name, "entry");
    EXPECT_EQ(h.offset, 0x3fu);
    EXPECT_EQ(h.size, 0x40u);
    EXPECT_FALSE(symbol_lookup(one, 0xffffffff80200040, h));
}

TEST(SymbolLookup, LargeTableAgreesWithLinearScan) {
    // Irregular sizes, so that a wrong midpoint shows up.
    std::vector<uint64_t> a;
    std::vector<uint32_t> o;
    std::string s;
    uint64_t addr = 0xffffffff80200000;
    for (uint32_t i = 0; i < 1001; ++i) {
        a.push_back(addr);
        o.push_back(static_cast<uint32_t>(s.size()));
        s += (i == 1000 ? std::string("_etext") : "f" + std::to_string(i));
        s += '\0';
        addr += 1 + (i * 7919) % 97;
    }
    const SymbolTable t{a.size(), a.data(), o.data(), s.data()};
    size_t next = 0; // first entry above x; x increases, so it only moves forward
    for (uint64_t x = a.front() - 3; x < a.back() + 3; ++x) {
        while (next < a.size() && a[next] <= x) ++next;
        // Found iff some entry starts at or below x and x is below the marker.
        size_t expect = (next == 0 || next == a.size()) ? a.size() : next - 1;
        SymbolHit h{};
        bool found = symbol_lookup(t, x, h);
        ASSERT_EQ(found, expect != a.size()) << std::hex << x;
        if (!found) continue;
        ASSERT_STREQ(h.name, ("f" + std::to_string(expect)).c_str());
        ASSERT_EQ(h.offset, x - a[expect]);
        ASSERT_EQ(h.size, a[expect + 1] - a[expect]);
    }
}
