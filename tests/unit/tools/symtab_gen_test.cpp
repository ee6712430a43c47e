#include "tools/symtab/symtab_parse.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

#include "common/lib/symbols.hpp"

using namespace cxen::symtab;

namespace {

std::vector<std::pair<uint64_t, std::string>> rows(const BuildResult& r) {
    std::vector<std::pair<uint64_t, std::string>> out;
    for (const Entry& e : r.entries) out.emplace_back(e.addr, e.name);
    return out;
}

} // namespace

// --- one line -------------------------------------------------------------------

TEST(SymtabParse, TextLine) {
    LineResult r = parse_nm_line("ffffffff80201000 T cxen_entry");
    ASSERT_EQ(r.kind, LineKind::symbol) << r.error;
    EXPECT_EQ(r.sym.addr, 0xffffffff80201000u);
    EXPECT_EQ(r.sym.type, 'T');
    EXPECT_EQ(r.sym.name, "cxen_entry");
}

TEST(SymtabParse, DemangledNameKeepsItsSpaces) {
    LineResult r = parse_nm_line("ffffffff80201040 t cxen::log(cxen::LogLevel, char const*, ...)");
    ASSERT_EQ(r.kind, LineKind::symbol) << r.error;
    EXPECT_EQ(r.sym.type, 't');
    EXPECT_EQ(r.sym.name, "cxen::log(cxen::LogLevel, char const*, ...)");
}

TEST(SymtabParse, ShortAddressAndCarriageReturn) {
    LineResult r = parse_nm_line("80201000 W weak_fn\r");
    ASSERT_EQ(r.kind, LineKind::symbol) << r.error;
    EXPECT_EQ(r.sym.addr, 0x80201000u);
    EXPECT_EQ(r.sym.name, "weak_fn");
}

TEST(SymtabParse, UndefinedAndBlankLinesAreSkipped) {
    EXPECT_EQ(parse_nm_line("                 U memcpy").kind, LineKind::skip);
    EXPECT_EQ(parse_nm_line("                 w __gmon_start__").kind, LineKind::skip);
    EXPECT_EQ(parse_nm_line("").kind, LineKind::skip);
    EXPECT_EQ(parse_nm_line("   ").kind, LineKind::skip);
}

TEST(SymtabParse, MalformedLines) {
    for (const char* line : {"ffffffff80201000", "ffffffff80201000 T", "ffffffff80201000 T ",
                             "ffffffff80201000 TT foo", "ffffffff8020100g T foo",
                             "1ffffffff80201000 T foo", "foo bar baz", "ffff  T foo",
                             "                 T foo", "nm: image: no symbols"}) {
        LineResult r = parse_nm_line(line);
        EXPECT_EQ(r.kind, LineKind::malformed) << line;
        EXPECT_FALSE(r.error.empty()) << line;
    }
}

// --- the table --------------------------------------------------------------------

TEST(SymtabBuild, KeepsTextAndWeakSymbolsAndAppendsEndMarker) {
    BuildResult r = build_table("                 U undefined\n"
                                "ffffffff80200000 T start\n"
                                "ffffffff80200010 t local_fn\n"
                                "ffffffff80200020 W weak_fn\n"
                                "ffffffff80200030 w weak_local\n"
                                "ffffffff80200040 T last_fn\n"
                                "ffffffff80200100 T _etext\n"
                                "ffffffff80201000 R rodata_obj\n"
                                "ffffffff80202000 D data_obj\n"
                                "ffffffff80202008 d local_data\n"
                                "ffffffff80203000 B bss_obj\n"
                                "ffffffff80203000 A abs_sym\n");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(rows(r), (std::vector<std::pair<uint64_t, std::string>>{
                           {0xffffffff80200000, "start"},
                           {0xffffffff80200010, "local_fn"},
                           {0xffffffff80200020, "weak_fn"},
                           {0xffffffff80200030, "weak_local"},
                           {0xffffffff80200040, "last_fn"},
                           {0xffffffff80200100, "_etext"},
                       }));
}

TEST(SymtabBuild, SortsByAddress) {
    BuildResult r = build_table("0000000000003000 T c\n"
                                "0000000000001000 T a\n"
                                "0000000000004000 A _etext\n"
                                "0000000000002000 T b\n");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(rows(r), (std::vector<std::pair<uint64_t, std::string>>{
                           {0x1000, "a"}, {0x2000, "b"}, {0x3000, "c"}, {0x4000, "_etext"}}));
}

TEST(SymtabBuild, SameAddressKeepsFirstGlobalName) {
    BuildResult r = build_table("0000000000001000 t local_alias\n"
                                "0000000000001000 T global_one\n"
                                "0000000000001000 T global_two\n"
                                "0000000000002000 t only_local_a\n"
                                "0000000000002000 t only_local_b\n"
                                "0000000000003000 W weak_first\n"
                                "0000000000003000 T strong_second\n"
                                "0000000000004000 T _etext\n");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(rows(r), (std::vector<std::pair<uint64_t, std::string>>{{0x1000, "global_one"},
                                                                       {0x2000, "only_local_a"},
                                                                       {0x3000, "weak_first"},
                                                                       {0x4000, "_etext"}}));
}

TEST(SymtabBuild, SymbolsAtOrAfterEtextAreDropped) {
    // e.g. a text symbol the linker placed at _etext itself (an empty
    // section's start) would get size 0 and is unreachable by lookup.
    BuildResult r = build_table("0000000000001000 T f\n"
                                "0000000000002000 T at_end\n"
                                "0000000000002000 T _etext\n"
                                "0000000000003000 T beyond\n");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(rows(r), (std::vector<std::pair<uint64_t, std::string>>{{0x1000, "f"},
                                                                       {0x2000, "_etext"}}));
}

TEST(SymtabBuild, MissingEtextIsAnError) {
    BuildResult r = build_table("0000000000001000 T f\n");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("_etext"), std::string::npos) << r.error;
    EXPECT_FALSE(build_table("").ok());
}

TEST(SymtabBuild, MalformedLineReportsItsNumber) {
    BuildResult r = build_table("0000000000001000 T f\n"
                                "\n"
                                "garbage here\n"
                                "0000000000002000 T _etext\n");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error_line, 3u);
}

TEST(SymtabBuild, NoTextSymbolsGivesOnlyTheEndMarker) {
    BuildResult r = build_table("0000000000002000 T _etext\n");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(rows(r),
              (std::vector<std::pair<uint64_t, std::string>>{{0x2000, "_etext"}}));
}

// --- assembly ---------------------------------------------------------------------

TEST(SymtabAsm, EscapesQuotesBackslashesAndControlBytes) {
    EXPECT_EQ(asm_escape("plain::name(int)"), "plain::name(int)");
    EXPECT_EQ(asm_escape("operator\"\"_x"), "operator\\\"\\\"_x");
    EXPECT_EQ(asm_escape("a\\b"), "a\\\\b");
    EXPECT_EQ(asm_escape(std::string_view("t\tn\n\x7f\xff", 6)), "t\\011n\\012\\177\\377");
}

TEST(SymtabAsm, EmitsTheFourSymbolsInTheSection) {
    std::vector<Entry> entries = {{0x1000, "a"}, {0x1010, "say \"hi\""}, {0x1020, "_etext"}};
    std::string s;
    ASSERT_TRUE(emit_asm(entries, s));
    EXPECT_NE(s.find(".section .cxen_symtab, \"a\""), std::string::npos);
    for (const char* sym : {"cxen_symtab_count:", "cxen_symtab_addrs:", "cxen_symtab_name_offsets:",
                            "cxen_symtab_strings:", ".globl cxen_symtab_count"})
        EXPECT_NE(s.find(sym), std::string::npos) << sym;
    EXPECT_NE(s.find(".quad 3\n"), std::string::npos);
    EXPECT_NE(s.find(".quad 0x0000000000001010\n"), std::string::npos);
    EXPECT_NE(s.find(".long 0\n    .long 2\n    .long 11\n"), std::string::npos) << s;
    EXPECT_NE(s.find(".asciz \"say \\\"hi\\\"\"\n"), std::string::npos) << s;
}

// Assemble the generated file, pull the section's bytes out and look
// addresses up in them: checks the layout symbol_lookup() reads, end to end.
TEST(SymtabAsm, RoundTripThroughAssemblerAndLookup) {
    if (std::system("command -v as >/dev/null 2>&1 && command -v objcopy >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "binutils not installed";

    BuildResult table = build_table("ffffffff80200000 T cxen_entry\n"
                                    "ffffffff80200040 t cxen::log(cxen::LogLevel, char const*, ...)\n"
                                    "ffffffff80200100 T operator\"\"_q(char const*)\n"
                                    "ffffffff80200180 T _etext\n");
    ASSERT_TRUE(table.ok()) << table.error;
    std::string text;
    ASSERT_TRUE(emit_asm(table.entries, text));

    char dir[] = "/tmp/symtab_gen_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string d = dir, src = d + "/t.S", obj = d + "/t.o", bin = d + "/t.bin";
    std::ofstream(src) << text;
    const std::string cmd = "as --64 -o " + obj + " " + src + " && objcopy -O binary " +
                            "--only-section=.cxen_symtab " + obj + " " + bin;
    int rc = std::system(cmd.c_str());
    std::ifstream in(bin, std::ios::binary);
    std::vector<char> raw{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::filesystem::remove_all(d);
    ASSERT_EQ(rc, 0) << cmd;

    // Layout, as emitted: count, addrs[count], name_offsets[count], strings.
    ASSERT_GE(raw.size(), 8u);
    std::vector<uint64_t> words((raw.size() + 7) / 8);
    std::memcpy(words.data(), raw.data(), raw.size());
    const uint64_t count = words[0];
    ASSERT_EQ(count, 4u);
    const auto* base = reinterpret_cast<const unsigned char*>(words.data());
    const cxen::SymbolTable t{count, words.data() + 1,
                              reinterpret_cast<const uint32_t*>(base + 8 + 8 * count),
                              reinterpret_cast<const char*>(base + 8 + 12 * count)};
    cxen::SymbolHit h{};
    ASSERT_TRUE(cxen::symbol_lookup(t, 0xffffffff80200044, h));
    EXPECT_STREQ(h.name, "cxen::log(cxen::LogLevel, char const*, ...)");
    EXPECT_EQ(h.offset, 4u);
    EXPECT_EQ(h.size, 0xc0u);
    ASSERT_TRUE(cxen::symbol_lookup(t, 0xffffffff8020017f, h));
    EXPECT_STREQ(h.name, "operator\"\"_q(char const*)");
    EXPECT_FALSE(cxen::symbol_lookup(t, 0xffffffff80200180, h));
}
