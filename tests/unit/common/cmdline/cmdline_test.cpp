#include "common/cmdline/cmdline.hpp"

// Taken before the standard headers below: their <cerrno> makes EINVAL and
// friends macros, which would rewrite `Errno::XEN_EINVAL`.
namespace {
constexpr cxen::Errno err_inval = cxen::Errno::XEN_EINVAL;
constexpr cxen::Errno err_overflow = cxen::Errno::XEN_EOVERFLOW;
} // namespace

#include <cstdint>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "arch/console.hpp"
#include "common/console/printk.hpp"

using cxen::Param;
using cxen::ParamType;
using cxen::parse_cmdline;

namespace {

class Cmdline : public ::testing::Test {
  protected:
    void SetUp() override {
        saved_threshold_ = cxen::log_threshold();
        cxen::set_log_threshold(cxen::LogLevel::info);
        cxen::arch::fake_console().clear();
    }
    void TearDown() override { cxen::set_log_threshold(saved_threshold_); }

    static const std::string& console() { return cxen::arch::fake_console(); }

  private:
    cxen::LogLevel saved_threshold_ = cxen::LogLevel::info;
};

// Custom handler that records each call.
std::vector<std::string> custom_calls;
bool record_custom(const char* v) {
    custom_calls.emplace_back(v);
    return std::string(v) != "bad";
}

} // namespace

// --- booleans ---------------------------------------------------------------

TEST_F(Cmdline, BareBooleanSetsTrue) {
    bool flag = false;
    const Param params[] = {{"noreboot", ParamType::boolean, &flag}};
    EXPECT_EQ(parse_cmdline("noreboot", params, 1), 0);
    EXPECT_TRUE(flag);
}

TEST_F(Cmdline, NoPrefixSetsBooleanFalse) {
    bool flag = true;
    const Param params[] = {{"x2apic", ParamType::boolean, &flag}};
    EXPECT_EQ(parse_cmdline("no-x2apic", params, 1), 0);
    EXPECT_FALSE(flag);
}

TEST_F(Cmdline, BooleanAcceptsEachXenWord) {
    for (const char* word : {"yes", "on", "true", "enable", "1"}) {
        bool flag = false;
        const Param params[] = {{"b", ParamType::boolean, &flag}};
        EXPECT_EQ(parse_cmdline(("b=" + std::string(word)).c_str(), params, 1), 0) << word;
        EXPECT_TRUE(flag) << word;
    }
    for (const char* word : {"no", "off", "false", "disable", "0"}) {
        bool flag = true;
        const Param params[] = {{"b", ParamType::boolean, &flag}};
        EXPECT_EQ(parse_cmdline(("b=" + std::string(word)).c_str(), params, 1), 0) << word;
        EXPECT_FALSE(flag) << word;
    }
}

TEST_F(Cmdline, MalformedBooleanLeavesVariableUnchanged) {
    for (const char* opt : {"b=maybe", "b=", "b=Yes", "b=2", "b=on1", "no-b=1", "no-b=0"}) {
        for (bool initial : {false, true}) {
            bool flag = initial;
            const Param params[] = {{"b", ParamType::boolean, &flag}};
            EXPECT_EQ(parse_cmdline(opt, params, 1), 1) << opt;
            EXPECT_EQ(flag, initial) << opt;
        }
    }
    EXPECT_NE(console().find("Invalid value 'maybe' for command line option 'b'"),
              std::string::npos)
        << console();
}

// --- integers ---------------------------------------------------------------

TEST_F(Cmdline, IntegerAcceptsDecimalHexAndOctal) {
    uint64_t dec = 0, hex = 0, hex_upper = 0, oct = 0, zero = 7, max = 0;
    const Param params[] = {
        {"dec", ParamType::integer, &dec},         {"hex", ParamType::integer, &hex},
        {"hexu", ParamType::integer, &hex_upper},  {"oct", ParamType::integer, &oct},
        {"zero", ParamType::integer, &zero},       {"max", ParamType::integer, &max},
    };
    EXPECT_EQ(parse_cmdline("dec=1234 hex=0xBeef hexu=0X10 oct=0755 zero=0 "
                            "max=18446744073709551615",
                            params, std::size(params)),
              0)
        << console();
    EXPECT_EQ(dec, 1234u);
    EXPECT_EQ(hex, 0xbeefu);
    EXPECT_EQ(hex_upper, 0x10u);
    EXPECT_EQ(oct, 0755u);
    EXPECT_EQ(zero, 0u);
    EXPECT_EQ(max, UINT64_MAX);
}

TEST_F(Cmdline, NegativeIntegerIsStoredTwosComplement) {
    uint64_t a = 0, b = 0, c = 0;
    const Param params[] = {{"a", ParamType::integer, &a},
                            {"b", ParamType::integer, &b},
                            {"c", ParamType::integer, &c}};
    EXPECT_EQ(parse_cmdline("a=-1 b=-0x10 c=-9223372036854775808", params, 3), 0);
    EXPECT_EQ(a, UINT64_MAX);
    EXPECT_EQ(static_cast<int64_t>(b), -16);
    EXPECT_EQ(static_cast<int64_t>(c), INT64_MIN);
}

TEST_F(Cmdline, MalformedIntegerLeavesVariableUnchanged) {
    for (const char* opt :
         {"n", "n=", "n=12x", "n=0x", "n=0xg", "n=08", "n=abc", "n=1.5", "n=+1", "n=--1",
          "n=18446744073709551616", "n=0x10000000000000000", "n=-9223372036854775809", "no-n",
          "no-n=1"}) {
        uint64_t v = 42;
        const Param params[] = {{"n", ParamType::integer, &v}};
        EXPECT_EQ(parse_cmdline(opt, params, 1), 1) << opt;
        EXPECT_EQ(v, 42u) << opt;
    }
}

// --- sizes ------------------------------------------------------------------

TEST_F(Cmdline, SizeAcceptsXenSuffixesInEitherCase) {
    struct {
        const char* value;
        uint64_t bytes;
    } cases[] = {
        {"512B", 512},           {"512b", 512},
        {"4K", 4096},            {"4k", 4096},
        {"3M", 3ull << 20},      {"3m", 3ull << 20},
        {"2G", 2ull << 30},      {"2g", 2ull << 30},
        {"1T", 1ull << 40},      {"1t", 1ull << 40},
        {"0x10M", 16ull << 20},  {"010K", 8 * 1024},
        {"0", 0},                {"16777215T", 16777215ull << 40},
        {"18446744073709551615B", UINT64_MAX},
    };
    for (const auto& c : cases) {
        uint64_t v = 1;
        const Param params[] = {{"sz", ParamType::size, &v}};
        EXPECT_EQ(parse_cmdline(("sz=" + std::string(c.value)).c_str(), params, 1), 0) << c.value;
        EXPECT_EQ(v, c.bytes) << c.value;
    }
}

TEST_F(Cmdline, SizeWithoutSuffixIsKiB) {
    uint64_t v = 0;
    const Param params[] = {{"dom0_mem", ParamType::size, &v}};
    EXPECT_EQ(parse_cmdline("dom0_mem=1024", params, 1), 0);
    EXPECT_EQ(v, 1ull << 20);
}

TEST_F(Cmdline, HexSizeEndingInBIsAHexDigitAsInXen) {
    // 'b' is a hex digit, so "0x10b" is the number 0x10b with the default
    // unit (KiB), not 0x10 bytes; Xen's simple_strtoull reads it the same way.
    uint64_t v = 0;
    const Param params[] = {{"sz", ParamType::size, &v}};
    EXPECT_EQ(parse_cmdline("sz=0x10b", params, 1), 0);
    EXPECT_EQ(v, 0x10bull << 10);
}

TEST_F(Cmdline, MalformedSizeLeavesVariableUnchanged) {
    for (const char* opt : {"sz", "sz=", "sz=K", "sz=1X", "sz=1KB", "sz=1KK", "sz=-1K", "sz=1%",
                            "sz=16777216T", "sz=17179869184G", "sz=18014398509481984K",
                            "sz=18446744073709551616B", "no-sz", "sz=0x"}) {
        uint64_t v = 99;
        const Param params[] = {{"sz", ParamType::size, &v}};
        EXPECT_EQ(parse_cmdline(opt, params, 1), 1) << opt;
        EXPECT_EQ(v, 99u) << opt;
    }
}

// --- strings ----------------------------------------------------------------

TEST_F(Cmdline, StringIsCopied) {
    char console_opt[16] = "vga";
    const Param params[] = {{"console", ParamType::string, console_opt, sizeof(console_opt)}};
    EXPECT_EQ(parse_cmdline("console=com1,vga", params, 1), 0);
    EXPECT_STREQ(console_opt, "com1,vga");
}

TEST_F(Cmdline, BareStringNameStoresEmptyStringAsXen) {
    char s[8] = "old";
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}};
    EXPECT_EQ(parse_cmdline("s", params, 1), 0);
    EXPECT_STREQ(s, "");
}

TEST_F(Cmdline, StringThatFitsExactlyIsAccepted) {
    char s[8] = "old";
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}};
    EXPECT_EQ(parse_cmdline("s=1234567", params, 1), 0);
    EXPECT_STREQ(s, "1234567");
}

TEST_F(Cmdline, TooLongStringIsMalformedAndLeavesBufferUnchanged) {
    char s[8] = "old";
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}};
    EXPECT_EQ(parse_cmdline("s=12345678", params, 1), 1);
    EXPECT_STREQ(s, "old");
    EXPECT_EQ(parse_cmdline("s=a-much-longer-value-than-the-buffer", params, 1), 1);
    EXPECT_STREQ(s, "old");
    EXPECT_EQ(parse_cmdline("no-s", params, 1), 1);
    EXPECT_STREQ(s, "old");
}

TEST_F(Cmdline, OptionLongerThanTheLimitIsMalformedAndParsingContinues) {
    char s[1024] = "old";
    bool after = false;
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)},
                            {"after", ParamType::boolean, &after}};
    std::string fits = "s=" + std::string(cxen::cmdline_max_option_len - 2, 'x');
    EXPECT_EQ(parse_cmdline(fits.c_str(), params, 2), 0);
    EXPECT_EQ(std::string(s), fits.substr(2));

    std::string too_long = "s=" + std::string(cxen::cmdline_max_option_len - 1, 'y') + " after";
    EXPECT_EQ(parse_cmdline(too_long.c_str(), params, 2), 1);
    EXPECT_EQ(std::string(s), fits.substr(2));
    EXPECT_TRUE(after);
    EXPECT_NE(console().find("too long"), std::string::npos) << console();
}

// --- custom -----------------------------------------------------------------

TEST_F(Cmdline, CustomHandlerGetsValueEmptyOrNo) {
    custom_calls.clear();
    const Param params[] = {{"c", ParamType::custom, nullptr, 0, record_custom}};
    EXPECT_EQ(parse_cmdline("c=a,b=1 c no-c", params, 1), 0);
    EXPECT_EQ(custom_calls, (std::vector<std::string>{"a,b=1", "", "no"}));
}

TEST_F(Cmdline, CustomHandlerRejectionIsCounted) {
    custom_calls.clear();
    const Param params[] = {{"c", ParamType::custom, nullptr, 0, record_custom}};
    EXPECT_EQ(parse_cmdline("c=bad c=good", params, 1), 1);
    EXPECT_EQ(custom_calls, (std::vector<std::string>{"bad", "good"}));
}

TEST_F(Cmdline, NegatedCustomWithValueIsMalformedWithoutCall) {
    custom_calls.clear();
    const Param params[] = {{"c", ParamType::custom, nullptr, 0, record_custom}};
    EXPECT_EQ(parse_cmdline("no-c=x", params, 1), 1);
    EXPECT_TRUE(custom_calls.empty());
}

// --- tokens, quotes, names ----------------------------------------------------

TEST_F(Cmdline, QuotedValueMayContainSpaces) {
    char s[32] = "";
    bool b = false;
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}, {"b", ParamType::boolean, &b}};
    EXPECT_EQ(parse_cmdline("s=\"a  b c\" b", params, 2), 0);
    EXPECT_STREQ(s, "a  b c");
    EXPECT_TRUE(b);
}

TEST_F(Cmdline, QuotesAroundWholeOptionOrMidValueAreDropped) {
    char s[32] = "";
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}};
    EXPECT_EQ(parse_cmdline("\"s=x y\"", params, 1), 0);
    EXPECT_STREQ(s, "x y");
    EXPECT_EQ(parse_cmdline("s=a\" \"b", params, 1), 0);
    EXPECT_STREQ(s, "a b");
    EXPECT_EQ(parse_cmdline("s=\"\"", params, 1), 0);
    EXPECT_STREQ(s, "");
}

TEST_F(Cmdline, QuotedIntegerAndBooleanValuesParse) {
    uint64_t n = 0;
    bool b = false;
    const Param params[] = {{"n", ParamType::integer, &n}, {"b", ParamType::boolean, &b}};
    EXPECT_EQ(parse_cmdline("n=\"0x20\" b=\"on\"", params, 2), 0);
    EXPECT_EQ(n, 0x20u);
    EXPECT_TRUE(b);
}

TEST_F(Cmdline, UnterminatedQuoteIsMalformed) {
    char s[32] = "old";
    bool b = false;
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}, {"b", ParamType::boolean, &b}};
    // The open quote swallows the rest of the line, including " b".
    EXPECT_EQ(parse_cmdline("s=\"abc b", params, 2), 1);
    EXPECT_STREQ(s, "old");
    EXPECT_FALSE(b);
    EXPECT_NE(console().find("Unterminated quote"), std::string::npos) << console();
}

TEST_F(Cmdline, DashesAndUnderscoresInNamesAreEquivalent) {
    bool sync = false, other = true;
    uint64_t n = 0;
    const Param params[] = {{"sync_console", ParamType::boolean, &sync},
                            {"cpu-freq_x", ParamType::integer, &n},
                            {"a_b", ParamType::boolean, &other}};
    EXPECT_EQ(parse_cmdline("sync-console cpu_freq-x=5 no-a-b", params, 3), 0);
    EXPECT_TRUE(sync);
    EXPECT_EQ(n, 5u);
    EXPECT_FALSE(other);
}

TEST_F(Cmdline, ValuesKeepTheirDashesAndUnderscores) {
    char s[16] = "";
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}};
    EXPECT_EQ(parse_cmdline("s=a-b_c", params, 1), 0);
    EXPECT_STREQ(s, "a-b_c");
}

TEST_F(Cmdline, NamesMustMatchWhole) {
    bool b = false;
    const Param params[] = {{"sync_console", ParamType::boolean, &b}};
    EXPECT_EQ(parse_cmdline("sync sync_console_x Sync_console", params, 1), 3);
    EXPECT_FALSE(b);
}

TEST_F(Cmdline, ExactNameStartingWithNoWinsOverNegation) {
    bool real = false, plain = true;
    const Param params[] = {{"no-real", ParamType::boolean, &real},
                            {"real", ParamType::boolean, &plain}};
    EXPECT_EQ(parse_cmdline("no-real", params, 2), 0);
    EXPECT_TRUE(real);
    EXPECT_TRUE(plain);
}

TEST_F(Cmdline, DoubleDashEndsHypervisorOptions) {
    uint64_t a = 0, b = 0;
    const Param params[] = {{"a", ParamType::integer, &a}, {"b", ParamType::integer, &b}};
    EXPECT_EQ(parse_cmdline("a=1 -- b=2 unknown-dom0-option", params, 2), 0);
    EXPECT_EQ(a, 1u);
    EXPECT_EQ(b, 0u);
    EXPECT_EQ(console(), "");
}

TEST_F(Cmdline, DoubleDashInsideAValueDoesNotEndOptions) {
    char s[8] = "";
    uint64_t b = 0;
    const Param params[] = {{"s", ParamType::string, s, sizeof(s)}, {"b", ParamType::integer, &b}};
    EXPECT_EQ(parse_cmdline("s=-- b=2", params, 2), 0);
    EXPECT_STREQ(s, "--");
    EXPECT_EQ(b, 2u);
}

TEST_F(Cmdline, UnknownOptionIsLoggedAndCounted) {
    bool b = false;
    const Param params[] = {{"b", ParamType::boolean, &b}};
    EXPECT_EQ(parse_cmdline("foo b no-bar=1 baz=2", params, 1), 3);
    EXPECT_TRUE(b);
    EXPECT_NE(console().find("(XEN) Unknown command line option 'foo'\n"), std::string::npos)
        << console();
    EXPECT_NE(console().find("Unknown command line option 'no-bar'"), std::string::npos);
    EXPECT_NE(console().find("Unknown command line option 'baz'"), std::string::npos);
}

TEST_F(Cmdline, WhitespaceAroundAndBetweenOptionsIsSkipped) {
    bool a = false, b = false, c = false;
    const Param params[] = {{"a", ParamType::boolean, &a},
                            {"b", ParamType::boolean, &b},
                            {"c", ParamType::boolean, &c}};
    EXPECT_EQ(parse_cmdline("   a \t b\n c\r\n  ", params, 3), 0);
    EXPECT_TRUE(a && b && c);
}

TEST_F(Cmdline, NullAndEmptyCommandLinesDoNothing) {
    bool b = false;
    const Param params[] = {{"b", ParamType::boolean, &b}};
    EXPECT_EQ(parse_cmdline(nullptr, params, 1), 0);
    EXPECT_EQ(parse_cmdline("", params, 1), 0);
    EXPECT_EQ(parse_cmdline("    ", params, 1), 0);
    EXPECT_EQ(parse_cmdline("b", nullptr, 0), 1);
    EXPECT_FALSE(b);
}

TEST_F(Cmdline, LaterOptionOverridesEarlier) {
    uint64_t n = 0;
    const Param params[] = {{"n", ParamType::integer, &n}};
    EXPECT_EQ(parse_cmdline("n=1 n=2 n=bogus", params, 1), 1);
    EXPECT_EQ(n, 2u);
}

TEST_F(Cmdline, EveryRowWithTheNameIsApplied) {
    uint64_t a = 0, b = 0;
    const Param params[] = {{"n", ParamType::integer, &a}, {"n", ParamType::size, &b}};
    EXPECT_EQ(parse_cmdline("n=4", params, 2), 0);
    EXPECT_EQ(a, 4u);
    EXPECT_EQ(b, 4096u);
    // One option counts once even when several rows reject it.
    EXPECT_EQ(parse_cmdline("n=4X", params, 2), 1);
}

TEST_F(Cmdline, ManyOptions) {
    constexpr size_t n = 300;
    std::vector<std::string> names(n);
    std::vector<uint64_t> values(n, 0);
    std::vector<Param> params;
    std::string line;
    for (size_t i = 0; i < n; ++i) {
        names[i] = "opt_" + std::to_string(i);
        params.push_back({names[i].c_str(), ParamType::integer, &values[i]});
        line += "opt-" + std::to_string(i) + "=" + std::to_string(i * 3) + " ";
        if (i % 50 == 0) line += "unknown" + std::to_string(i) + " ";
    }
    EXPECT_EQ(parse_cmdline(line.c_str(), params.data(), params.size()), 6);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(values[i], i * 3) << i;
}

// --- the value parsers on their own ---------------------------------------------

TEST(CmdlineValues, ParseBoolReportsEinval) {
    EXPECT_TRUE(cxen::parse_bool("enable").value());
    EXPECT_FALSE(cxen::parse_bool("disable").value());
    EXPECT_EQ(cxen::parse_bool("").error(), err_inval);
    EXPECT_EQ(cxen::parse_bool("ON").error(), err_inval);
}

TEST(CmdlineValues, ParseIntegerErrors) {
    EXPECT_EQ(cxen::parse_integer("0x7f").value(), 0x7fu);
    EXPECT_EQ(cxen::parse_integer("").error(), err_inval);
    EXPECT_EQ(cxen::parse_integer("7 ").error(), err_inval);
    EXPECT_EQ(cxen::parse_integer("99999999999999999999").error(), err_overflow);
    EXPECT_EQ(cxen::parse_integer("-9223372036854775809").error(), err_overflow);
}

TEST(CmdlineValues, ParseSizeErrors) {
    EXPECT_EQ(cxen::parse_size_and_unit("64M").value(), 64ull << 20);
    EXPECT_EQ(cxen::parse_size_and_unit("64").value(), 64ull << 10);
    EXPECT_EQ(cxen::parse_size_and_unit("64Q").error(), err_inval);
    EXPECT_EQ(cxen::parse_size_and_unit("16777216T").error(), err_overflow);
    EXPECT_EQ(cxen::parse_size_and_unit("18014398509481984").error(), err_overflow);
}
