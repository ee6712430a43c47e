#include "lib/xlcfg/xl_cfg.hpp"

// Taken before the standard headers below: their <cerrno> makes EINVAL and
// friends macros, which would rewrite `Errno::XEN_EINVAL`.
namespace {
constexpr cxen::Errno err_inval = cxen::Errno::XEN_EINVAL;
constexpr cxen::Errno err_nospc = cxen::Errno::XEN_ENOSPC;
constexpr cxen::Errno err_range = cxen::Errno::XEN_ERANGE;
} // namespace

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <string>
#include <vector>

using cxen::CfgError;
using cxen::CfgFile;
using cxen::CfgSetting;
using cxen::CfgValue;

namespace {

// The text in an exactly sized heap buffer with no NUL after it, so that
// ASan catches any read past `len`.
struct Text {
    explicit Text(const std::string& s) : len(s.size()), buf(new char[s.size() ? s.size() : 1]) {
        std::memcpy(buf.get(), s.data(), s.size());
    }
    const char* data() const { return len ? buf.get() : nullptr; }
    size_t len;
    std::unique_ptr<char[]> buf;
};

cxen::Status parse_into(CfgFile& f, const std::string& s, CfgError& err,
                        const char* file = "t.cfg") {
    Text t(s);
    return f.parse(file, t.data(), t.len, err);
}

std::unique_ptr<CfgFile> parse_ok(const std::string& s) {
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    cxen::Status st = parse_into(*f, s, err);
    EXPECT_TRUE(st.ok()) << err.message << "\n--- input:\n" << s;
    return f;
}

// The message of a failed parse ("" and a test failure if it succeeded).
std::string parse_error(const std::string& s, cxen::Errno expected = err_inval) {
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    cxen::Status st = parse_into(*f, s, err);
    EXPECT_FALSE(st.ok()) << "parsed: " << s;
    if (st.ok()) return "";
    EXPECT_EQ(st.error(), expected) << err.message;
    EXPECT_EQ(f->size(), 0u) << "a failed parse must not append settings";
    return err.message;
}

std::string text_of(const CfgFile& f, const char* key) {
    const CfgSetting* s = f.find(key);
    EXPECT_NE(s, nullptr) << key;
    if (!s || s->value.is_list()) return "<missing or list>";
    EXPECT_EQ(std::strlen(s->value.text), s->value.len);
    return std::string(s->value.text, s->value.len);
}

std::vector<std::string> list_of(const CfgFile& f, const char* key) {
    const CfgSetting* s = f.find(key);
    std::vector<std::string> out;
    EXPECT_NE(s, nullptr) << key;
    if (!s) return out;
    EXPECT_TRUE(s->value.is_list()) << key;
    for (size_t i = 0; i < s->value.nr_items; ++i) {
        const CfgValue& v = s->value.items[i];
        out.push_back(v.is_list() ? "<list>" : std::string(v.text, v.len));
    }
    return out;
}

const char* const typical_pvh = R"(# A PVH guest booted from modules.
name = "web"          # the domain's name
type = 'pvh'
memory = 512
maxmem = 0x400
vcpus = 2
kernel = "/boot/vmlinuz"
cmdline = "console=hvc0 root=/dev/xvda1 ro"

disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/vg/web',
         "vdev=xvdb, target=/srv/web.img",   # data
       ]
vif = [ ]
on_crash = "preserve"; on_reboot = 'restart'
)";

} // namespace

// --- good configs ---------------------------------------------------------------

TEST(XlCfg, ParsesTypicalPvhConfigWithCommentsListsAndBothQuoteStyles) {
    auto f = parse_ok(typical_pvh);
    EXPECT_EQ(f->size(), 11u);
    EXPECT_EQ(text_of(*f, "name"), "web");
    EXPECT_EQ(f->find("name")->value.kind, CfgValue::Kind::string);
    EXPECT_EQ(text_of(*f, "type"), "pvh");
    EXPECT_EQ(text_of(*f, "memory"), "512");
    EXPECT_EQ(f->find("memory")->value.kind, CfgValue::Kind::number);
    EXPECT_EQ(text_of(*f, "maxmem"), "0x400");
    EXPECT_EQ(text_of(*f, "cmdline"), "console=hvc0 root=/dev/xvda1 ro");
    EXPECT_EQ(list_of(*f, "disk"),
              (std::vector<std::string>{"format=raw, vdev=xvda, access=rw, target=/dev/vg/web",
                                        "vdev=xvdb, target=/srv/web.img"}));
    EXPECT_TRUE(list_of(*f, "vif").empty());
    EXPECT_EQ(f->find("vif")->value.items, nullptr);
    EXPECT_EQ(text_of(*f, "on_crash"), "preserve");
    EXPECT_EQ(text_of(*f, "on_reboot"), "restart");
    EXPECT_EQ(f->find("name")->line, 2u);
    EXPECT_EQ(f->find("disk")->line, 10u);
    EXPECT_EQ(f->find("disk")->value.items[1].line, 11u);
    EXPECT_EQ(f->find("on_reboot")->line, 14u);
    EXPECT_STREQ(f->find("on_reboot")->file, "t.cfg");
    EXPECT_EQ(f->find("nonexistent"), nullptr);
    EXPECT_STREQ(f->file_name(), "t.cfg");
}

TEST(XlCfg, SettingsIterateInFileOrder) {
    auto f = parse_ok("b = 1\na = 2; c = 3");
    std::vector<std::string> keys;
    for (const CfgSetting& s : *f)
        keys.push_back(s.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"b", "a", "c"}));
}

TEST(XlCfg, SemicolonsSeparateSettingsAndMayBeEmpty) {
    auto f = parse_ok(";;a = 1;b='x' ;; c = \"y\";\n;");
    EXPECT_EQ(f->size(), 3u);
    EXPECT_EQ(text_of(*f, "a"), "1");
    EXPECT_EQ(text_of(*f, "b"), "x");
    EXPECT_EQ(text_of(*f, "c"), "y");
}

TEST(XlCfg, EmptyBlankAndCommentOnlyInputsHaveNoSettings) {
    for (const char* s :
         {"", "\n\n", "   \t\n", "# only a comment\n", "# no newline", ";", "\r\n\r\n"}) {
        auto f = parse_ok(s);
        EXPECT_EQ(f->size(), 0u) << s;
    }
}

TEST(XlCfg, LastSettingWithoutNewlineAndTrailingCommentParse) {
    auto f = parse_ok("a = 1 # trailing comment without newline");
    EXPECT_EQ(text_of(*f, "a"), "1");
    f = parse_ok("a = \"x\"");
    EXPECT_EQ(text_of(*f, "a"), "x");
}

TEST(XlCfg, CrLfLineEndingsParse) {
    auto f = parse_ok("a = 1\r\nb = [ \"x\",\r\n \"y\" ]\r\n");
    EXPECT_EQ(text_of(*f, "a"), "1");
    EXPECT_EQ(list_of(*f, "b"), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(f->find("b")->line, 2u);
}

TEST(XlCfg, RepeatedKeyLastSettingWins) {
    auto f = parse_ok("memory = 128\nname = 'a'\nmemory = 256\n");
    EXPECT_EQ(f->size(), 3u);
    const CfgSetting* m = f->find("memory");
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(text_of(*f, "memory"), "256");
    EXPECT_EQ(m->line, 3u);
    EXPECT_TRUE(f->is_superseded(*f->begin()));
    EXPECT_FALSE(f->is_superseded(*m));
    EXPECT_FALSE(f->is_superseded(*f->find("name")));
}

TEST(XlCfg, KeysAreLowercaseWithDigitsUnderscoresAndDots) {
    auto f = parse_ok("a1_b.c = 1\nmax_grant_frames=2\nx.=3");
    EXPECT_EQ(text_of(*f, "a1_b.c"), "1");
    EXPECT_EQ(text_of(*f, "max_grant_frames"), "2");
    EXPECT_EQ(text_of(*f, "x."), "3");
}

TEST(XlCfg, NumbersAreKeptAsTextUntilLookedUp) {
    // Xen's NUMBER token is [0-9][0-9a-fx]*: "12ab" and "1x2x" are tokens
    // that only fail when a key wants an integer.
    auto f = parse_ok("a = 0x1f\nb = 010\nc = 12ab\nd = 1x2x\ne = 007");
    EXPECT_EQ(text_of(*f, "a"), "0x1f");
    EXPECT_EQ(text_of(*f, "c"), "12ab");
    EXPECT_EQ(text_of(*f, "d"), "1x2x");
    for (const char* k : {"a", "b", "c", "d", "e"})
        EXPECT_EQ(f->find(k)->value.kind, CfgValue::Kind::number) << k;
}

TEST(XlCfg, StringEscapesAreDecoded) {
    auto f = parse_ok(R"(a = "q\"s\'b\\n\nt\tr\rv\vf\fb\ba\a"
b = 'x\x41\x7e\x7E'
c = "\101\60\7\0101"
d = "it's"
e = 'say "hi"'
f = ""
)");
    EXPECT_EQ(text_of(*f, "a"), "q\"s'b\\n\nt\tr\rv\vf\fb\ba\a");
    EXPECT_EQ(text_of(*f, "b"), "xA~~");
    // \0101 is \010 then '1': octal escapes take at most three digits.
    EXPECT_EQ(text_of(*f, "c"), std::string("A0\a\b1"));
    EXPECT_EQ(text_of(*f, "d"), "it's");
    EXPECT_EQ(text_of(*f, "e"), "say \"hi\"");
    EXPECT_EQ(text_of(*f, "f"), "");
}

TEST(XlCfg, StringsKeepNonAsciiBytes) {
    auto f = parse_ok("a = \"caf\xc3\xa9 \xff\"");
    EXPECT_EQ(text_of(*f, "a"), "caf\xc3\xa9 \xff");
}

TEST(XlCfg, ListsTakeTrailingCommaNewlinesAndComments) {
    auto f = parse_ok("l = [\n  # first\n  'a' , # after a\n\n  \"b\",\n  3,\n]\nnext = 1");
    EXPECT_EQ(list_of(*f, "l"), (std::vector<std::string>{"a", "b", "3"}));
    EXPECT_EQ(f->find("l")->value.items[2].kind, CfgValue::Kind::number);
    EXPECT_EQ(f->find("next")->line, 8u);
}

TEST(XlCfg, EmptyListsParse) {
    for (const char* s : {"l = []", "l = [ ]", "l = [\n]", "l = [ # c\n ]"}) {
        auto f = parse_ok(s);
        EXPECT_EQ(f->find("l")->value.nr_items, 0u) << s;
        EXPECT_TRUE(f->find("l")->value.is_list()) << s;
    }
}

TEST(XlCfg, ListsNestAndKeepEachListContiguous) {
    auto f =
        parse_ok("vnuma = [ [ 'pnode=0', 'size=512' ], ['pnode=1', [ 'x' ], 'size=256'], 'z' ]");
    const CfgValue& v = f->find("vnuma")->value;
    ASSERT_EQ(v.nr_items, 3u);
    ASSERT_TRUE(v.items[0].is_list());
    ASSERT_EQ(v.items[0].nr_items, 2u);
    EXPECT_STREQ(v.items[0].items[0].text, "pnode=0");
    EXPECT_STREQ(v.items[0].items[1].text, "size=512");
    ASSERT_EQ(v.items[1].nr_items, 3u);
    EXPECT_STREQ(v.items[1].items[0].text, "pnode=1");
    ASSERT_EQ(v.items[1].items[1].nr_items, 1u);
    EXPECT_STREQ(v.items[1].items[1].items[0].text, "x");
    EXPECT_STREQ(v.items[1].items[2].text, "size=256");
    EXPECT_STREQ(v.items[2].text, "z");
}

TEST(XlCfg, ListsNestUpToTheDepthLimit) {
    const size_t d = CfgFile::max_list_depth;
    auto f = parse_ok("l = " + std::string(d, '[') + "1" + std::string(d, ']'));
    const CfgValue* v = &f->find("l")->value;
    for (size_t i = 0; i < d; ++i) {
        ASSERT_TRUE(v->is_list());
        ASSERT_EQ(v->nr_items, 1u);
        v = &v->items[0];
    }
    EXPECT_STREQ(v->text, "1");
}

TEST(XlCfg, PlusEqualsConcatenatesStrings) {
    auto f = parse_ok("extra = 'console=hvc0'\nextra += \" quiet\"\nextra+='!'");
    EXPECT_EQ(text_of(*f, "extra"), "console=hvc0 quiet!");
    EXPECT_TRUE(f->find("extra")->appended);
    EXPECT_EQ(f->find("extra")->line, 3u);
}

TEST(XlCfg, PlusEqualsConcatenatesLists) {
    auto f = parse_ok("d = [ 'a', 'b' ]\nx = [ 'other' ]\nd += [ 'c' ]\nd += []\nd += [[ 'n' ]]");
    EXPECT_EQ(list_of(*f, "d"), (std::vector<std::string>{"a", "b", "c", "<list>"}));
    EXPECT_STREQ(f->find("d")->value.items[3].items[0].text, "n");
    EXPECT_EQ(list_of(*f, "x"), (std::vector<std::string>{"other"}));
}

TEST(XlCfg, PlusEqualsWithoutEarlierSettingAssigns) {
    auto f = parse_ok("a += 'x'\nl += [ 1 ]");
    EXPECT_EQ(text_of(*f, "a"), "x");
    EXPECT_EQ(list_of(*f, "l"), (std::vector<std::string>{"1"}));
}

TEST(XlCfg, TextNeedNotBeNulTerminated) {
    const char buf[] = {'a', ' ', '=', ' ', '1', '2', '3'}; // no NUL
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    ASSERT_TRUE(f->parse("t.cfg", buf, 6, err).ok()) << err.message;
    EXPECT_EQ(text_of(*f, "a"), "12");
}

TEST(XlCfg, NulByteOutsideStringIsAnError) {
    EXPECT_EQ(parse_error(std::string("a = 1\0", 6)),
              "t.cfg:1: expected ';' or end of line after the value of \"a\", got byte 0x00");
}

TEST(XlCfg, SuccessiveParsesAppendAndKeepTheirFileNames) {
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    ASSERT_TRUE(parse_into(*f, "memory = 512\nname = 'a'", err, "web.cfg").ok());
    ASSERT_TRUE(parse_into(*f, "memory=1024", err, "<command line>").ok());
    EXPECT_EQ(f->size(), 3u);
    EXPECT_EQ(text_of(*f, "memory"), "1024");
    EXPECT_STREQ(f->find("memory")->file, "<command line>");
    EXPECT_STREQ(f->find("name")->file, "web.cfg");
    EXPECT_STREQ(f->file_name(), "<command line>");

    // A failed parse leaves the earlier settings as they were.
    EXPECT_FALSE(parse_into(*f, "memory = 2048\nbad bad", err, "x.cfg").ok());
    EXPECT_EQ(f->size(), 3u);
    EXPECT_EQ(text_of(*f, "memory"), "1024");
    EXPECT_STREQ(f->file_name(), "<command line>");

    f->clear();
    EXPECT_EQ(f->size(), 0u);
    EXPECT_STREQ(f->file_name(), "<config>");
}

TEST(XlCfg, NullFileNameIsShownAsConfig) {
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    Text t("a = ");
    EXPECT_FALSE(f->parse(nullptr, t.data(), t.len, err).ok());
    EXPECT_STREQ(err.message, "<config>:1: expected a value for \"a\", got end of file");
    EXPECT_EQ(err.line, 1u);
}

TEST(XlCfg, IsConstantInitialized) {
    static constinit CfgFile file; // fails to compile if boot would have to construct it
    CfgError err;
    file.clear();
    EXPECT_TRUE(file.parse("s.cfg", "a=1", 3, err).ok());
    EXPECT_EQ(file.size(), 1u);
    file.clear();
}

// --- syntax errors: every class, with its exact message -----------------------------------

TEST(XlCfg, SyntaxErrorsNameFileLineAndWhat) {
    struct Case {
        std::string input;
        const char* message;
    };
    const Case cases[] = {
        // strings
        {"name = \"web", "t.cfg:1: unterminated string"},
        {"\n\nname = 'web\"\nx = 1", "t.cfg:3: unterminated string"},
        {"name = \"a\nb\"", "t.cfg:1: unterminated string"},
        {"name = \"a\\\nb\"", "t.cfg:1: unterminated string"},
        {"name = \"a\\", "t.cfg:1: unterminated string"},
        {"x = \"a\\q\"", "t.cfg:1: invalid escape \"\\q\" in string"},
        {"x = \"\\x4\"", "t.cfg:1: invalid escape in string: \\x needs two hex digits"},
        {"x = \"\\xg0\"", "t.cfg:1: invalid escape in string: \\x needs two hex digits"},
        {"x = \"\\x", "t.cfg:1: invalid escape in string: \\x needs two hex digits"},
        {"x = \"\\400\"", "t.cfg:1: invalid escape in string: octal \\400 is above \\377"},
        {"x = \"a\\0b\"", "t.cfg:1: NUL character in string"},
        {"x = \"a\\x00\"", "t.cfg:1: NUL character in string"},
        {std::string("x = \"a\0b\"", 9), "t.cfg:1: NUL character in string"},
        {"x = \"\\\x01\"", "t.cfg:1: invalid escape in string: backslash before byte 0x01"},
        // keys
        {"Memory = 1", "t.cfg:1: invalid key \"Memory\": keys are lowercase letters, digits, "
                       "'_' and '.', starting with a letter"},
        {"on-crash = 'x'", "t.cfg:1: invalid key \"on-crash\": keys are lowercase letters, "
                           "digits, '_' and '.', starting with a letter"},
        {"_x = 1", "t.cfg:1: invalid key \"_x\": keys are lowercase letters, digits, '_' and "
                   "'.', starting with a letter"},
        {"9lives = 1", "t.cfg:1: invalid key \"9lives\": keys are lowercase letters, digits, "
                       "'_' and '.', starting with a letter"},
        {"!x = 1", "t.cfg:1: expected a key, got '!'"},
        {"= 1", "t.cfg:1: expected a key, got '='"},
        {"\x01 = 1", "t.cfg:1: expected a key, got byte 0x01"},
        {"a = 1\n[ 'x' ]", "t.cfg:2: expected a key, got '['"},
        {"memory 512", "t.cfg:1: expected '=' after \"memory\", got '5'"},
        {"memory", "t.cfg:1: expected '=' after \"memory\", got end of file"},
        {"memory\n= 5", "t.cfg:1: expected '=' after \"memory\", got end of line"},
        {"memory + 5", "t.cfg:1: expected '=' after \"memory\", got '+'"},
        {"memory == 5", "t.cfg:1: expected a value for \"memory\", got '='"},
        // values
        {"memory =", "t.cfg:1: expected a value for \"memory\", got end of file"},
        {"memory =\n512", "t.cfg:1: expected a value for \"memory\", got end of line"},
        {"memory = # none\n", "t.cfg:1: expected a value for \"memory\", got '#'"},
        {"memory = ;", "t.cfg:1: expected a value for \"memory\", got ';'"},
        {"type = pvh", "t.cfg:1: expected a value for \"type\", got pvh (strings must be quoted)"},
        {"a = True", "t.cfg:1: expected a value for \"a\", got True (strings must be quoted)"},
        {"vcpus = -1",
         "t.cfg:1: expected a value for \"vcpus\", got '-' (negative numbers must be quoted)"},
        {"vcpus = +1", "t.cfg:1: expected a value for \"vcpus\", got '+'"},
        {"memory = 512M", "t.cfg:1: invalid number \"512M\""},
        {"memory = 1.5", "t.cfg:1: invalid number \"1.5\""},
        {"memory = 0x1F", "t.cfg:1: invalid number \"0x1F\""},
        {"memory = 512m", "t.cfg:1: invalid number \"512m\""},
        {"a = 1 b = 2", "t.cfg:1: expected ';' or end of line after the value of \"a\", got 'b'"},
        {"a = 'x' 'y'", "t.cfg:1: expected ';' or end of line after the value of \"a\", got '''"},
        {"a = 1,", "t.cfg:1: expected ';' or end of line after the value of \"a\", got ','"},
        {"a = 1]", "t.cfg:1: expected ';' or end of line after the value of \"a\", got ']'"},
        // lists
        {"disk = [ 'a' 'b' ]", "t.cfg:1: expected ',' or ']' in the list for \"disk\", got '''"},
        {"disk = [ , ]", "t.cfg:1: expected a value in the list for \"disk\", got ','"},
        {"disk = [ 'a',, ]", "t.cfg:1: expected a value in the list for \"disk\", got ','"},
        {"disk = [ 'a'; 'b' ]", "t.cfg:1: expected ',' or ']' in the list for \"disk\", got ';'"},
        {"disk = [ xvda ]",
         "t.cfg:1: expected a value in the list for \"disk\", got xvda (strings must be quoted)"},
        {"disk = [ 'a',\n 'b'\n", "t.cfg:1: unterminated list: '[' has no matching ']'"},
        {"x = 1\ndisk = [", "t.cfg:2: unterminated list: '[' has no matching ']'"},
        {"d = [ [ 'a' ]\n", "t.cfg:1: unterminated list: '[' has no matching ']'"},
        {"d = [\n [ 'a' ", "t.cfg:2: unterminated list: '[' has no matching ']'"},
        {"l = " + std::string(CfgFile::max_list_depth + 1, '[') + "1" +
             std::string(CfgFile::max_list_depth + 1, ']'),
         "t.cfg:1: lists nested deeper than 8"},
        // +=
        {"a = 'x'\na += [ 'y' ]", "t.cfg:2: a: += cannot join a list and a string"},
        {"a = [ 'x' ]\na += 1", "t.cfg:2: a: += cannot join a list and a string"},
        // line numbers after lists and comments
        {"# c\nl = [\n 'a',\n 'b' ]\n\nx = \"", "t.cfg:6: unterminated string"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(parse_error(c.input), c.message) << "input: " << c.input;
    }
}

TEST(XlCfg, ErrorLineIsReportedSeparately) {
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    EXPECT_FALSE(parse_into(*f, "a = 1\nb = 2\nc = 'x", err).ok());
    EXPECT_EQ(err.line, 3u);
}

TEST(XlCfg, LongFileNameTruncatesTheMessageSafely) {
    const std::string name(400, 'n');
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    EXPECT_FALSE(parse_into(*f, "a = 'x", err, name.c_str()).ok());
    EXPECT_EQ(std::strlen(err.message), CfgError::message_size - 1);
    EXPECT_EQ(std::string(err.message, 10), std::string(10, 'n'));
}

// --- capacity ------------------------------------------------------------------------

TEST(XlCfg, TooManySettingsIsNoSpace) {
    std::string s;
    for (size_t i = 0; i < CfgFile::max_settings; ++i)
        s += "k = 1\n";
    auto f = parse_ok(s);
    EXPECT_EQ(f->size(), CfgFile::max_settings);
    s += "k = 2\n";
    EXPECT_EQ(parse_error(s, err_nospc), "t.cfg:129: too many settings (at most 128)");
}

TEST(XlCfg, TooManyListItemsIsNoSpace) {
    std::string items;
    for (size_t i = 0; i < CfgFile::max_list_items; ++i)
        items += "1,";
    auto f = parse_ok("l = [" + items + "]");
    EXPECT_EQ(f->find("l")->value.nr_items, CfgFile::max_list_items);
    EXPECT_EQ(parse_error("l = [" + items + "1]", err_nospc),
              "t.cfg:1: too many list items (at most 512 in all)");
    // Nested lists and += copies count towards the same total.
    EXPECT_EQ(parse_error("l = [[" + items + "]]", err_nospc),
              "t.cfg:1: too many list items (at most 512 in all)");
    EXPECT_EQ(parse_error("l = [" + items + "]\nl += [ 1 ]", err_nospc),
              "t.cfg:2: too many list items (at most 512 in all)");
}

TEST(XlCfg, TooMuchTextIsNoSpace) {
    const std::string big(CfgFile::arena_size, 'x');
    EXPECT_EQ(parse_error("a = '" + big + "'", err_nospc),
              "t.cfg:1: too much text (at most 16384 bytes of keys and values in all)");
    EXPECT_EQ(parse_error("a = 1\n" + std::string(CfgFile::arena_size, 'k') + " = 1", err_nospc),
              "t.cfg:2: too much text (at most 16384 bytes of keys and values in all)");
    // The largest string that fits: the file name "t.cfg", the key "a", each with a NUL.
    const size_t fits = CfgFile::arena_size - 6 - 2 - 1;
    auto f = parse_ok("a = '" + std::string(fits, 'y') + "'");
    EXPECT_EQ(f->find("a")->value.len, fits);
    // += needs room for the joined copy.
    EXPECT_EQ(parse_error("a = '" + std::string(fits / 2, 'y') + "'\na += '" +
                              std::string(fits / 2, 'z') + "'",
                          err_nospc),
              "t.cfg:2: too much text (at most 16384 bytes of keys and values in all)");
}

TEST(XlCfg, FileNameLargerThanTheArenaIsNoSpace) {
    const std::string name(CfgFile::arena_size, 'f');
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    cxen::Status st = parse_into(*f, "a = 1", err, name.c_str());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error(), err_nospc);
    EXPECT_EQ(f->size(), 0u);
}

// --- typed lookups -------------------------------------------------------------------

TEST(XlCfg, IntegerParsingFollowsStrtol) {
    struct Case {
        const char* text;
        int64_t value;
    };
    for (const Case& c : std::initializer_list<Case>{
             {"0", 0},
             {"10", 10},
             {"0x1f", 31},
             {"0X1F", 31},
             {"010", 8},
             {"-5", -5},
             {"+5", 5},
             {" \t7", 7},
             {"-0x10", -16},
             {"9223372036854775807", INT64_MAX},
             {"-9223372036854775808", INT64_MIN},
             {"0x7fffffffffffffff", INT64_MAX},
         }) {
        auto r = cxen::cfg_parse_integer(c.text);
        ASSERT_TRUE(r.ok()) << c.text;
        EXPECT_EQ(*r, c.value) << c.text;
    }
    for (const char* bad :
         {"", " ", "-", "+", "0x", "0xg", "08", "1G0", "12 ", "12ab", "1x2", "--1", "0b1"}) {
        EXPECT_EQ(cxen::cfg_parse_integer(bad).error(), err_inval) << bad;
    }
    for (const char* big : {"9223372036854775808", "-9223372036854775809", "0x8000000000000000",
                            "99999999999999999999999"}) {
        EXPECT_EQ(cxen::cfg_parse_integer(big).error(), err_range) << big;
    }
}

TEST(XlCfg, IntegerParsingAgreesWithStrtollOnRandomStrings) {
    std::mt19937 rng(1234);
    const char alphabet[] = "0123456789abcdefxX+- \t";
    for (int iter = 0; iter < 20000; ++iter) {
        std::string s;
        const size_t n = rng() % 24;
        for (size_t i = 0; i < n; ++i)
            s += alphabet[rng() % (sizeof(alphabet) - 1)];
        char* end = nullptr;
        errno = 0;
        const long long ref = std::strtoll(s.c_str(), &end, 0);
        const bool ref_full = end != s.c_str() && *end == '\0';
        auto r = cxen::cfg_parse_integer(s.c_str());
        if (!ref_full) {
            EXPECT_EQ(r.error(), err_inval) << "'" << s << "'";
        } else if (errno == ERANGE) {
            EXPECT_EQ(r.error(), err_range) << "'" << s << "'";
        } else {
            ASSERT_TRUE(r.ok()) << "'" << s << "'";
            EXPECT_EQ(*r, ref) << "'" << s << "'";
        }
    }
}

TEST(XlCfg, IntegerLookupAcceptsQuotedAndUnquotedNumbers) {
    auto f = parse_ok("a = 512\nb = \"0x200\"\nc = '-3'");
    CfgError err;
    EXPECT_EQ(*cxen::cfg_integer(*f->find("a"), 0, 1024, err), 512);
    EXPECT_EQ(*cxen::cfg_integer(*f->find("b"), 0, 1024, err), 512);
    EXPECT_EQ(*cxen::cfg_integer(*f->find("c"), -3, 0, err), -3);
}

TEST(XlCfg, IntegerLookupErrorsNameFileLineAndKey) {
    auto f = std::make_unique<CfgFile>();
    CfgError err;
    ASSERT_TRUE(parse_into(*f,
                           "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\n"
                           "memory = \"1G0\"\nvcpus = 0\nl = [ 1 ]\nn = 12ab\n"
                           "big = '99999999999999999999'\np = 1\np += 2\n"
                           "long = '" +
                               std::string(100, '7') + "x'\nctl = \"1\\n\"",
                           err, "web.cfg")
                    .ok())
        << err.message;
    struct Case {
        const char* key;
        int64_t min, max;
        std::string message;
    };
    const Case cases[] = {
        {"memory", 1, 1024, "web.cfg:7: memory: expected an integer, got \"1G0\""},
        {"vcpus", 1, 128, "web.cfg:8: vcpus: must be between 1 and 128, got 0"},
        {"l", 0, 9, "web.cfg:9: l: expected an integer, got a list"},
        {"n", 0, 9, "web.cfg:10: n: expected an integer, got 12ab"},
        {"big", 0, 9, "web.cfg:11: big: must be between 0 and 9, got \"99999999999999999999\""},
        {"p", 0, 99, "web.cfg:13: p: += cannot be used for an integer"},
        // Cut to fit a 64-byte buffer: quote, 58 characters, "...", quote.
        {"long", 0, 9,
         "web.cfg:14: long: expected an integer, got \"" + std::string(58, '7') + "...\""},
        {"ctl", 0, 9, "web.cfg:15: ctl: expected an integer, got \"1?\""},
        {"a", 2, 9, "web.cfg:1: a: must be between 2 and 9, got 1"},
        {"a", -9, 0, "web.cfg:1: a: must be between -9 and 0, got 1"},
    };
    for (const Case& c : cases) {
        CfgError e;
        auto r = cxen::cfg_integer(*f->find(c.key), c.min, c.max, e);
        ASSERT_FALSE(r.ok()) << c.key;
        EXPECT_EQ(r.error(), err_inval);
        EXPECT_EQ(e.message, c.message);
    }
}

TEST(XlCfg, StringLookupTakesNumberTokensAndRejectsLists) {
    auto f = parse_ok("name = 123\nl = []");
    CfgError err;
    auto r = cxen::cfg_string(*f->find("name"), err);
    ASSERT_TRUE(r.ok());
    EXPECT_STREQ(*r, "123");
    auto bad = cxen::cfg_string(*f->find("l"), err);
    EXPECT_EQ(bad.error(), err_inval);
    EXPECT_STREQ(err.message, "t.cfg:2: l: expected a string, got a list");
}

TEST(XlCfg, ListLookupRejectsAtoms) {
    auto f = parse_ok("disk = 'xvda'\nl = [ 'a' ]");
    CfgError err;
    auto bad = cxen::cfg_list(*f->find("disk"), err);
    EXPECT_EQ(bad.error(), err_inval);
    EXPECT_STREQ(err.message, "t.cfg:1: disk: expected a list, got \"xvda\"");
    auto r = cxen::cfg_list(*f->find("l"), err);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)->nr_items, 1u);
}

TEST(XlCfg, ErrorHelpersFormatWithAndWithoutLine) {
    CfgError err;
    cxen::Status st = cxen::cfg_error(err, "web.cfg", 0, "name: missing");
    EXPECT_EQ(st.error(), err_inval);
    EXPECT_STREQ(err.message, "web.cfg: name: missing");
    EXPECT_EQ(err.line, 0u);
    st = cxen::cfg_error(err, nullptr, 4, "x %d", 5);
    EXPECT_STREQ(err.message, "<config>:4: x 5");
    EXPECT_EQ(err.line, 4u);
}

TEST(XlCfg, DescribeValueFitsSmallBuffers) {
    auto f = parse_ok("a = 'abcdefghij'\nb = 12345678901");
    char buf[8];
    EXPECT_STREQ(cxen::cfg_describe_value(f->find("a")->value, buf, sizeof(buf)), "\"ab...\"");
    EXPECT_STREQ(cxen::cfg_describe_value(f->find("b")->value, buf, sizeof(buf)), "1234...");
    char big[64];
    EXPECT_STREQ(cxen::cfg_describe_value(f->find("a")->value, big, sizeof(big)), "\"abcdefghij\"");
}

// --- robustness ---------------------------------------------------------------------

namespace {

// Parse `s`; it must either succeed with well-formed settings or fail with
// a message that starts with the file name. Never crash (ASan/UBSan watch).
void parse_anything(CfgFile& f, const std::string& s) {
    f.clear();
    CfgError err;
    Text t(s);
    cxen::Status st = f.parse("fuzz.cfg", t.data(), t.len, err);
    if (!st.ok()) {
        ASSERT_EQ(std::string(err.message).rfind("fuzz.cfg:", 0), 0u) << err.message;
        ASSERT_TRUE(st.error() == err_inval || st.error() == err_nospc);
        ASSERT_EQ(f.size(), 0u);
        return;
    }
    for (const CfgSetting& set : f) {
        ASSERT_TRUE(set.key[0] >= 'a' && set.key[0] <= 'z');
        ASSERT_GE(set.line, 1u);
        std::vector<const CfgValue*> todo{&set.value};
        while (!todo.empty()) {
            const CfgValue* v = todo.back();
            todo.pop_back();
            if (v->is_list()) {
                ASSERT_EQ(v->items == nullptr, v->nr_items == 0);
                for (size_t i = 0; i < v->nr_items; ++i)
                    todo.push_back(&v->items[i]);
            } else {
                ASSERT_EQ(std::strlen(v->text), v->len);
            }
        }
        CfgError e;
        (void)cxen::cfg_integer(set, INT64_MIN, INT64_MAX, e);
        (void)cxen::cfg_string(set, e);
        (void)cxen::cfg_list(set, e);
    }
}

std::string random_mutation(std::mt19937& rng, std::string s) {
    static const char interesting[] = "\"'\\[],;=+#\n\r\t x0-aZ_.\xff";
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
        const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
        switch (rng() % 5) {
        case 0: // replace a byte with anything
            if (pos < s.size()) s[pos] = static_cast<char>(rng());
            break;
        case 1: // insert a syntax character
            s.insert(pos, 1, interesting[rng() % (sizeof(interesting) - 1)]);
            break;
        case 2: // delete a run
            if (pos < s.size()) s.erase(pos, 1 + rng() % 8);
            break;
        case 3: { // duplicate a run
            if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng() % 32));
            break;
        }
        default: // truncate
            s.resize(pos);
            break;
        }
    }
    return s;
}

} // namespace

TEST(XlCfg, RandomBytesNeverCrash) {
    auto f = std::make_unique<CfgFile>();
    std::mt19937 rng(42);
    for (int iter = 0; iter < 5000; ++iter) {
        std::string s(rng() % 512, '\0');
        for (char& c : s)
            c = static_cast<char>(rng());
        ASSERT_NO_FATAL_FAILURE(parse_anything(*f, s));
    }
}

TEST(XlCfg, RandomMutationsOfAValidConfigNeverCrash) {
    auto f = std::make_unique<CfgFile>();
    std::mt19937 rng(7);
    int parsed = 0;
    for (int iter = 0; iter < 20000; ++iter) {
        ASSERT_NO_FATAL_FAILURE(parse_anything(*f, random_mutation(rng, typical_pvh)));
        parsed += f->size() > 0;
    }
    EXPECT_GT(parsed, 100); // the mutations must not all be rejected early
}

TEST(XlCfg, RandomTokenSoupNeverCrashes) {
    static const char* const tokens[] = {
        "a",  "key.x", " = ", "+=", "[",  "]", ",",  "\n", ";",    "\"s\\n\"", "'q'",    "12",
        "0x", "#c\n",  " ",   "\\", "\"", "'", "[[", "]]", "\r\n", "-",        "\"\\x4", "Z"};
    auto f = std::make_unique<CfgFile>();
    std::mt19937 rng(99);
    for (int iter = 0; iter < 20000; ++iter) {
        std::string s;
        const size_t n = rng() % 40;
        for (size_t i = 0; i < n; ++i)
            s += tokens[rng() % (sizeof(tokens) / sizeof(tokens[0]))];
        ASSERT_NO_FATAL_FAILURE(parse_anything(*f, s));
    }
}
