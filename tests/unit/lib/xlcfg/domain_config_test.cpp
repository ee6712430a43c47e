#include "lib/xlcfg/domain_config.hpp"

// Taken before the standard headers below: their <cerrno> makes EINVAL and
// friends macros, which would rewrite `Errno::XEN_EINVAL`.
namespace {
constexpr cxen::Errno err_inval = cxen::Errno::XEN_EINVAL;
} // namespace

#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <string>
#include <vector>

using cxen::CfgError;
using cxen::CfgFile;
using DC = cxen::DomainConfig;
using Action = cxen::DomainConfig::Action;

namespace {

// Collects warnings from domain_config_from_cfg().
void collect(void* ctx, const char* message) {
    static_cast<std::vector<std::string>*>(ctx)->push_back(message);
}

struct Built {
    std::unique_ptr<CfgFile> file = std::make_unique<CfgFile>();
    std::unique_ptr<DC> config = std::make_unique<DC>();
    std::vector<std::string> warnings;
    CfgError err;
    bool ok = false;
};

// Parse `text` as web.cfg and build a DomainConfig from it. A syntax error
// fails the test: these tests are about the typed layer.
std::unique_ptr<Built> build(const std::string& text) {
    auto b = std::make_unique<Built>();
    std::vector<char> buf(text.begin(), text.end());
    cxen::Status st = b->file->parse("web.cfg", buf.data(), buf.size(), b->err);
    EXPECT_TRUE(st.ok()) << b->err.message;
    if (!st.ok()) return b;
    st = cxen::domain_config_from_cfg(*b->file, *b->config, b->err, collect, &b->warnings);
    b->ok = st.ok();
    if (!st.ok()) {
        EXPECT_EQ(st.error(), err_inval);
    }
    return b;
}

std::unique_ptr<Built> build_ok(const std::string& text) {
    auto b = build(text);
    EXPECT_TRUE(b->ok) << b->err.message << "\n--- input:\n" << text;
    return b;
}

std::string build_error(const std::string& text) {
    auto b = build(text);
    EXPECT_FALSE(b->ok) << "accepted:\n" << text;
    return b->err.message;
}

void expect_defaults_except_name(const DC& c) {
    EXPECT_EQ(c.type, DC::Type::pvh);
    EXPECT_EQ(c.memory_mib, 32u);
    EXPECT_EQ(c.maxmem_mib, 32u);
    EXPECT_EQ(c.vcpus, 1u);
    EXPECT_EQ(c.maxvcpus, 1u);
    EXPECT_STREQ(c.kernel, "");
    EXPECT_STREQ(c.ramdisk, "");
    EXPECT_STREQ(c.cmdline, "");
    EXPECT_EQ(c.on_poweroff, Action::destroy);
    EXPECT_EQ(c.on_reboot, Action::restart);
    EXPECT_EQ(c.on_watchdog, Action::destroy);
    EXPECT_EQ(c.on_crash, Action::destroy);
    EXPECT_EQ(c.on_soft_reset, Action::soft_reset);
    EXPECT_EQ(c.max_event_channels, 1023u);
    EXPECT_EQ(c.max_grant_frames, 64u);
    EXPECT_EQ(c.max_maptrack_frames, 1024u);
}

} // namespace

// --- good configs ---------------------------------------------------------------

TEST(DomainConfig, TypicalPvhConfigFillsEveryField) {
    auto b = build_ok(R"(# web server
name = "web-01.example_a"
type = 'pvh'
memory = 512
maxmem = "0x400"
vcpus = 2; maxvcpus = 4
kernel = "/boot/vmlinuz-6.1"
ramdisk = '/boot/initrd.img-6.1'
cmdline = "console=hvc0 root=/dev/xvda1 ro"
on_poweroff = "preserve"
on_reboot = "rename-restart"
on_watchdog = 'coredump-restart'
on_crash = "coredump-destroy"
on_soft_reset = "destroy"
max_event_channels = 4095
max_grant_frames = 32
max_maptrack_frames = 0
)");
    const DC& c = *b->config;
    EXPECT_STREQ(c.name, "web-01.example_a");
    EXPECT_EQ(c.type, DC::Type::pvh);
    EXPECT_EQ(c.memory_mib, 512u);
    EXPECT_EQ(c.maxmem_mib, 1024u);
    EXPECT_EQ(c.vcpus, 2u);
    EXPECT_EQ(c.maxvcpus, 4u);
    EXPECT_STREQ(c.kernel, "/boot/vmlinuz-6.1");
    EXPECT_STREQ(c.ramdisk, "/boot/initrd.img-6.1");
    EXPECT_STREQ(c.cmdline, "console=hvc0 root=/dev/xvda1 ro");
    EXPECT_EQ(c.on_poweroff, Action::preserve);
    EXPECT_EQ(c.on_reboot, Action::rename_restart);
    EXPECT_EQ(c.on_watchdog, Action::coredump_restart);
    EXPECT_EQ(c.on_crash, Action::coredump_destroy);
    EXPECT_EQ(c.on_soft_reset, Action::destroy);
    EXPECT_EQ(c.max_event_channels, 4095u);
    EXPECT_EQ(c.max_grant_frames, 32u);
    EXPECT_EQ(c.max_maptrack_frames, 0u);
    EXPECT_TRUE(b->warnings.empty());
}

TEST(DomainConfig, OnlyNameGivesXlDefaults) {
    auto b = build_ok("name = 'a'");
    EXPECT_STREQ(b->config->name, "a");
    expect_defaults_except_name(*b->config);
}

TEST(DomainConfig, DefaultConstructedMatchesTheDefaults) {
    auto c = std::make_unique<DC>();
    expect_defaults_except_name(*c);
    EXPECT_STREQ(c->name, "");
}

TEST(DomainConfig, EarlierContentsOfOutAreReset) {
    auto b = build_ok("name = 'a'\nmemory = 300\nkernel = 'k'");
    CfgFile& f = *b->file;
    f.clear();
    CfgError err;
    ASSERT_TRUE(f.parse("b.cfg", "name='b'", 8, err).ok());
    ASSERT_TRUE(cxen::domain_config_from_cfg(f, *b->config, err).ok());
    EXPECT_STREQ(b->config->name, "b");
    expect_defaults_except_name(*b->config);
}

TEST(DomainConfig, UnsetMaxmemIsMemory) {
    auto b = build_ok("name = 'a'\nmemory = 768");
    EXPECT_EQ(b->config->memory_mib, 768u);
    EXPECT_EQ(b->config->maxmem_mib, 768u);
}

TEST(DomainConfig, UnsetMemoryIsMaxmem) {
    auto b = build_ok("name = 'a'\nmaxmem = 2048");
    EXPECT_EQ(b->config->memory_mib, 2048u);
    EXPECT_EQ(b->config->maxmem_mib, 2048u);
}

TEST(DomainConfig, UnsetMaxvcpusIsVcpus) {
    auto b = build_ok("name = 'a'\nvcpus = 6");
    EXPECT_EQ(b->config->vcpus, 6u);
    EXPECT_EQ(b->config->maxvcpus, 6u);
}

TEST(DomainConfig, UnsetVcpusStaysOneBelowMaxvcpus) {
    auto b = build_ok("name = 'a'\nmaxvcpus = 8");
    EXPECT_EQ(b->config->vcpus, 1u);
    EXPECT_EQ(b->config->maxvcpus, 8u);
}

TEST(DomainConfig, EqualMaxAndStartValuesAreAccepted) {
    auto b = build_ok("name = 'a'\nmemory = 64\nmaxmem = 64\nvcpus = 3\nmaxvcpus = 3");
    EXPECT_EQ(b->config->maxmem_mib, 64u);
    EXPECT_EQ(b->config->maxvcpus, 3u);
}

TEST(DomainConfig, BoundaryValuesAreAccepted) {
    auto lo = build_ok("name='a'\nmemory=1\nvcpus=1\nmaxvcpus=1\nmax_event_channels=1\n"
                       "max_grant_frames=1\nmax_maptrack_frames=0");
    EXPECT_EQ(lo->config->memory_mib, 1u);
    EXPECT_EQ(lo->config->max_event_channels, 1u);
    EXPECT_EQ(lo->config->max_grant_frames, 1u);
    auto hi = build_ok("name='a'\nmemory=16777216\nmaxmem=16777216\nvcpus=128\nmaxvcpus=128\n"
                       "max_event_channels=131071\nmax_grant_frames=2147483647\n"
                       "max_maptrack_frames=0x7fffffff");
    EXPECT_EQ(hi->config->memory_mib, uint64_t{1} << 24);
    EXPECT_EQ(hi->config->maxmem_mib, uint64_t{1} << 24);
    EXPECT_EQ(hi->config->vcpus, 128u);
    EXPECT_EQ(hi->config->maxvcpus, 128u);
    EXPECT_EQ(hi->config->max_event_channels, 131071u);
    EXPECT_EQ(hi->config->max_grant_frames, 2147483647u);
    EXPECT_EQ(hi->config->max_maptrack_frames, 2147483647u);
}

TEST(DomainConfig, IntegersTakeXlSpellings) {
    // Quoted, hex and octal, as xlu_cfg_get_long() (strtol base 0).
    auto b = build_ok("name='a'\nmemory=\"256\"\nmaxmem=0x200\nvcpus=010\nmaxvcpus=' 9'");
    EXPECT_EQ(b->config->memory_mib, 256u);
    EXPECT_EQ(b->config->maxmem_mib, 512u);
    EXPECT_EQ(b->config->vcpus, 8u);
    EXPECT_EQ(b->config->maxvcpus, 9u);
}

TEST(DomainConfig, LastSettingOfARepeatedKeyWins) {
    auto b = build_ok("name='a'\nmemory=128\nmemory=256\nname='b'");
    EXPECT_EQ(b->config->memory_mib, 256u);
    EXPECT_STREQ(b->config->name, "b");
}

TEST(DomainConfig, CommandLineOverrideParsedAfterTheFileWins) {
    auto b = build_ok("name='a'\nmemory=128");
    CfgError err;
    ASSERT_TRUE(b->file->parse("<command line>", "memory=1024", 11, err).ok());
    ASSERT_TRUE(cxen::domain_config_from_cfg(*b->file, *b->config, err).ok());
    EXPECT_EQ(b->config->memory_mib, 1024u);

    ASSERT_TRUE(b->file->parse("<command line>", "vcpus=0", 7, err).ok());
    EXPECT_FALSE(cxen::domain_config_from_cfg(*b->file, *b->config, err).ok());
    EXPECT_STREQ(err.message, "<command line>:1: vcpus: must be between 1 and 128, got 0");
}

TEST(DomainConfig, StringKeysTakeUnquotedNumbersAsText) {
    auto b = build_ok("name='a'\nkernel=5\ncmdline=0x10");
    EXPECT_STREQ(b->config->kernel, "5");
    EXPECT_STREQ(b->config->cmdline, "0x10");
}

TEST(DomainConfig, PlusEqualsAppendsToStringKeys) {
    auto b = build_ok("name='web'\nname += '-2'\ncmdline = 'console=hvc0'\ncmdline += ' quiet'");
    EXPECT_STREQ(b->config->name, "web-2");
    EXPECT_STREQ(b->config->cmdline, "console=hvc0 quiet");
}

TEST(DomainConfig, EveryActionNameParses) {
    const std::pair<const char*, Action> actions[] = {
        {"destroy", Action::destroy},
        {"restart", Action::restart},
        {"rename-restart", Action::rename_restart},
        {"preserve", Action::preserve},
        {"coredump-destroy", Action::coredump_destroy},
        {"coredump-restart", Action::coredump_restart},
        {"soft-reset", Action::soft_reset},
    };
    for (const auto& [word, action] : actions) {
        auto b = build_ok(std::string("name='a'\non_crash='") + word + "'\non_poweroff='" + word +
                          "'\non_reboot='" + word + "'\non_watchdog='" + word +
                          "'\non_soft_reset='" + word + "'");
        EXPECT_EQ(b->config->on_crash, action) << word;
        EXPECT_EQ(b->config->on_poweroff, action) << word;
        EXPECT_EQ(b->config->on_reboot, action) << word;
        EXPECT_EQ(b->config->on_watchdog, action) << word;
        EXPECT_EQ(b->config->on_soft_reset, action) << word;
        EXPECT_STREQ(cxen::domain_action_name(action), word);
    }
}

TEST(DomainConfig, TypeNamesRoundTrip) {
    EXPECT_STREQ(cxen::domain_type_name(DC::Type::pvh), "pvh");
    EXPECT_STREQ(cxen::domain_type_name(DC::Type::pv), "pv");
    EXPECT_STREQ(cxen::domain_type_name(DC::Type::hvm), "hvm");
}

TEST(DomainConfig, NameOfSixtyThreeCharactersFits) {
    const std::string name(63, 'n');
    auto b = build_ok("name = '" + name + "'");
    EXPECT_EQ(b->config->name, name);
}

// libxl takes any string as a name (libxl__domain_rename checks only that
// a non-empty one is unused): XTF's "invlpg~hap" and the others are names.
TEST(DomainConfig, NameIsAnyStringAsInLibxl) {
    for (const char* name : {"Web_1.a-b", "1web", "invlpg~hap", "test-hvm64-invlpg~shadow", "web server",
                             "a/b", "caf\xc3\xa9", "-web", "007", "a\tb", "\"quoted\"", ""}) {
        auto b = build_ok(std::string("name = '") + name + "'");
        EXPECT_STREQ(b->config->name, name);
    }
    EXPECT_STREQ(build_ok("name = 123")->config->name, "123"); // a number is its text, as in xl
}

// --- cmdline, root and extra (xl_parse.c parse_cmdline) ----------------------------------

TEST(DomainConfig, RootAndExtraCombineWithoutCmdline) {
    EXPECT_STREQ(build_ok("name='a'\nroot='/dev/xvda1'\nextra='console=hvc0'")->config->cmdline,
                 "root=/dev/xvda1 console=hvc0");
    EXPECT_STREQ(build_ok("name='a'\nroot='/dev/xvda1'")->config->cmdline, "root=/dev/xvda1");
    EXPECT_STREQ(build_ok("name='a'\nextra='quiet'")->config->cmdline, "quiet");
}

TEST(DomainConfig, CmdlineWinsOverRootAndExtraWithAWarning) {
    auto b = build_ok("name='a'\ncmdline='ro'\nroot='/dev/xvda1'\nextra='quiet'");
    EXPECT_STREQ(b->config->cmdline, "ro");
    EXPECT_EQ(b->warnings, std::vector<std::string>{
                               "web.cfg:3: warning: ignoring root and extra in favour of cmdline"});
    b = build_ok("name='a'\nextra='quiet'\ncmdline=''");
    EXPECT_STREQ(b->config->cmdline, "");
    EXPECT_EQ(b->warnings,
              std::vector<std::string>{"web.cfg:2: warning: ignoring extra in favour of cmdline"});
    b = build_ok("name='a'\nroot='x'\ncmdline='y'");
    EXPECT_EQ(b->warnings,
              std::vector<std::string>{"web.cfg:2: warning: ignoring root in favour of cmdline"});
}

TEST(DomainConfig, LongestCmdlineFits) {
    const std::string line(1023, 'c');
    EXPECT_EQ(build_ok("name='a'\ncmdline='" + line + "'")->config->cmdline, line);
    EXPECT_EQ(build_ok("name='a'\nroot='" + std::string(1018, 'r') + "'")->config->cmdline,
              "root=" + std::string(1018, 'r'));
}

// --- warnings ----------------------------------------------------------------------

TEST(DomainConfig, UnknownKeysWarnOnceAtTheirLastSetting) {
    auto b = build_ok("name='a'\ndisk=[ 'x' ]\nvif = []\ndisk = [ 'y' ]\nbootloader='pygrub'");
    EXPECT_EQ(b->warnings, (std::vector<std::string>{
                               "web.cfg:3: warning: ignoring unknown key \"vif\"",
                               "web.cfg:4: warning: ignoring unknown key \"disk\"",
                               "web.cfg:5: warning: ignoring unknown key \"bootloader\"",
                           }));
}

TEST(DomainConfig, KnownKeysDoNotWarn) {
    auto b = build_ok("name='a'\ntype='pvh'\nmemory=64\nmaxmem=64\nvcpus=1\nmaxvcpus=1\n"
                      "kernel='k'\nramdisk='r'\nroot='x'\nextra='y'\non_poweroff='destroy'\n"
                      "on_reboot='restart'\non_watchdog='destroy'\non_crash='destroy'\n"
                      "on_soft_reset='soft-reset'\nmax_event_channels=1023\n"
                      "max_grant_frames=64\nmax_maptrack_frames=1024");
    EXPECT_TRUE(b->warnings.empty()) << b->warnings[0];
}

TEST(DomainConfig, WarningsWithoutACallbackAreDropped) {
    auto f = std::make_unique<CfgFile>();
    auto c = std::make_unique<DC>();
    CfgError err;
    ASSERT_TRUE(f->parse("x.cfg", "name='a'\nfoo=1", 14, err).ok());
    EXPECT_TRUE(cxen::domain_config_from_cfg(*f, *c, err).ok());
}

TEST(DomainConfig, WarningsAreReportedEvenWhenAnErrorFollows) {
    auto b = build("nmae='a'");
    EXPECT_FALSE(b->ok);
    EXPECT_EQ(b->warnings,
              std::vector<std::string>{"web.cfg:1: warning: ignoring unknown key \"nmae\""});
    EXPECT_STREQ(b->err.message, "web.cfg: name: missing (every domain needs a name)");
}

// --- errors: each names file, line and key -------------------------------------------

TEST(DomainConfig, ErrorsNameFileLineAndKey) {
    struct Case {
        std::string input;
        std::string message;
    };
    const std::string name = "name = 'web'\n";
    const Case cases[] = {
        // name
        {"memory = 5", "web.cfg: name: missing (every domain needs a name)"},
        {"", "web.cfg: name: missing (every domain needs a name)"},
        {"name = '" + std::string(64, 'n') + "'", "web.cfg:1: name: longer than 63 characters"},
        {"name = [ 'web' ]", "web.cfg:1: name: expected a string, got a list"},
        // type and builder
        {name + "type = 'hvm'", "web.cfg:2: type: \"hvm\" is not supported: cxen builds only PVH "
                                "domains (type = \"pvh\")"},
        {name + "type = 'pv'",
         "web.cfg:2: type: \"pv\" is not supported: cxen builds only PVH domains (type = \"pvh\")"},
        {name + "type = 'PVH'",
         "web.cfg:2: type: unknown type \"PVH\" (expected \"pvh\", \"pv\" or \"hvm\")"},
        {name + "type = 'p'",
         "web.cfg:2: type: unknown type \"p\" (expected \"pvh\", \"pv\" or \"hvm\")"},
        {name + "type = ['pvh']", "web.cfg:2: type: expected a string, got a list"},
        {name + "builder = 'generic'", "web.cfg:2: builder: \"generic\" (PV) is not supported: "
                                       "cxen builds only PVH domains (type = \"pvh\")"},
        {name + "builder = 'hvm'", "web.cfg:2: builder: \"hvm\" (HVM) is not supported: cxen "
                                   "builds only PVH domains (type = \"pvh\")"},
        {name + "builder = 'x'",
         "web.cfg:2: builder: unknown builder \"x\" (expected \"generic\" or \"hvm\")"},
        // memory
        {name + "\n\n\n\n\nmemory = \"1G0\"",
         "web.cfg:7: memory: expected an integer, got \"1G0\""},
        {name + "memory = 0", "web.cfg:2: memory: must be between 1 and 16777216, got 0"},
        {name + "memory = '-1'", "web.cfg:2: memory: must be between 1 and 16777216, got \"-1\""},
        {name + "memory = 16777217",
         "web.cfg:2: memory: must be between 1 and 16777216, got 16777217"},
        {name + "memory = 99999999999999999999",
         "web.cfg:2: memory: must be between 1 and 16777216, got 99999999999999999999"},
        {name + "memory = 12ab", "web.cfg:2: memory: expected an integer, got 12ab"},
        {name + "memory = [ 1 ]", "web.cfg:2: memory: expected an integer, got a list"},
        {name + "memory = 5\nmemory += 1", "web.cfg:3: memory: += cannot be used for an integer"},
        {name + "maxmem = 0", "web.cfg:2: maxmem: must be between 1 and 16777216, got 0"},
        {name + "memory = 512\nmaxmem = 256", "web.cfg:3: maxmem: 256 is less than memory (512)"},
        {name + "maxmem = 256\nmemory = 512", "web.cfg:2: maxmem: 256 is less than memory (512)"},
        // vcpus
        {name + "vcpus = 0", "web.cfg:2: vcpus: must be between 1 and 128, got 0"},
        {name + "vcpus = 129", "web.cfg:2: vcpus: must be between 1 and 128, got 129"},
        {name + "vcpus = '2 '", "web.cfg:2: vcpus: expected an integer, got \"2 \""},
        {name + "maxvcpus = 0", "web.cfg:2: maxvcpus: must be between 1 and 128, got 0"},
        {name + "maxvcpus = 129", "web.cfg:2: maxvcpus: must be between 1 and 128, got 129"},
        {name + "vcpus = 4\nmaxvcpus = 2", "web.cfg:3: maxvcpus: 2 is less than vcpus (4)"},
        // strings
        {name + "kernel = '" + std::string(256, 'k') + "'",
         "web.cfg:2: kernel: longer than 255 characters"},
        {name + "ramdisk = '" + std::string(256, 'r') + "'",
         "web.cfg:2: ramdisk: longer than 255 characters"},
        {name + "cmdline = '" + std::string(1024, 'c') + "'",
         "web.cfg:2: cmdline: longer than 1023 characters"},
        {name + "extra = '" + std::string(1024, 'e') + "'",
         "web.cfg:2: extra: the kernel command line is longer than 1023 characters"},
        {name + "root = '" + std::string(1019, 'r') + "'",
         "web.cfg:2: root: the kernel command line (root=) is longer than 1023 characters"},
        {name + "root = 'x'\nextra = '" + std::string(1017, 'e') + "'",
         "web.cfg:3: extra: the kernel command line (root= and extra) is longer than 1023 "
         "characters"},
        {name + "kernel = []", "web.cfg:2: kernel: expected a string, got a list"},
        {name + "cmdline = []", "web.cfg:2: cmdline: expected a string, got a list"},
        {name + "root = []", "web.cfg:2: root: expected a string, got a list"},
        {name + "extra = [ 'x' ]", "web.cfg:2: extra: expected a string, got a list"},
        // actions
        {name + "on_crash = 'explode'",
         "web.cfg:2: on_crash: unknown action \"explode\" (expected destroy, restart, "
         "rename-restart, preserve, coredump-destroy, coredump-restart or soft-reset)"},
        {name + "on_reboot = 'rename_restart'",
         "web.cfg:2: on_reboot: unknown action \"rename_restart\" (expected destroy, restart, "
         "rename-restart, preserve, coredump-destroy, coredump-restart or soft-reset)"},
        {name + "on_poweroff = 1",
         "web.cfg:2: on_poweroff: unknown action 1 (expected destroy, restart, rename-restart, "
         "preserve, coredump-destroy, coredump-restart or soft-reset)"},
        {name + "on_watchdog = []", "web.cfg:2: on_watchdog: expected a string, got a list"},
        {name + "on_soft_reset = 'Destroy'",
         "web.cfg:2: on_soft_reset: unknown action \"Destroy\" (expected destroy, restart, "
         "rename-restart, preserve, coredump-destroy, coredump-restart or soft-reset)"},
        // limits
        {name + "max_event_channels = 0",
         "web.cfg:2: max_event_channels: must be between 1 and 131071, got 0"},
        {name + "max_event_channels = 131072",
         "web.cfg:2: max_event_channels: must be between 1 and 131071, got 131072"},
        {name + "max_grant_frames = 0",
         "web.cfg:2: max_grant_frames: must be between 1 and 2147483647, got 0"},
        {name + "max_grant_frames = 2147483648",
         "web.cfg:2: max_grant_frames: must be between 1 and 2147483647, got 2147483648"},
        {name + "max_maptrack_frames = '-1'",
         "web.cfg:2: max_maptrack_frames: must be between 0 and 2147483647, got \"-1\""},
    };
    for (const Case& c : cases)
        EXPECT_EQ(build_error(c.input), c.message) << "input: " << c.input;
}

TEST(DomainConfig, FirstErrorInKeyOrderIsReported) {
    // Keys are checked in a fixed order (name, type, ..., memory, ..., vcpus),
    // not in file order.
    EXPECT_EQ(build_error("vcpus = 0\nname = 'a'\nmemory = 0"),
              "web.cfg:3: memory: must be between 1 and 16777216, got 0");
}

// --- robustness ---------------------------------------------------------------------

TEST(DomainConfig, RandomSettingsNeverCrash) {
    // Well-formed files with random keys from the known set and random
    // values: every outcome must be success or an error naming web.cfg.
    static const char* const keys[] = {"name",
                                       "type",
                                       "builder",
                                       "memory",
                                       "maxmem",
                                       "vcpus",
                                       "maxvcpus",
                                       "kernel",
                                       "ramdisk",
                                       "cmdline",
                                       "root",
                                       "extra",
                                       "on_poweroff",
                                       "on_reboot",
                                       "on_watchdog",
                                       "on_crash",
                                       "on_soft_reset",
                                       "max_event_channels",
                                       "max_grant_frames",
                                       "max_maptrack_frames",
                                       "other"};
    const std::string values[] = {"'a'",
                                  "'pvh'",
                                  "'hvm'",
                                  "0",
                                  "1",
                                  "128",
                                  "129",
                                  "0x10",
                                  "'-1'",
                                  "[]",
                                  "[ 'x', 1 ]",
                                  "'destroy'",
                                  "'soft-reset'",
                                  "12ab",
                                  "'web-1'",
                                  "''",
                                  "99999999999999999999999",
                                  "'" + std::string(300, 'x') + "'",
                                  "'" + std::string(1100, 'y') + "'",
                                  "'9'"};
    std::mt19937 rng(2024);
    auto f = std::make_unique<CfgFile>();
    auto c = std::make_unique<DC>();
    std::vector<std::string> warnings;
    int built = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        std::string text;
        const size_t n = rng() % 12;
        for (size_t i = 0; i < n; ++i) {
            text += keys[rng() % (sizeof(keys) / sizeof(keys[0]))];
            text += rng() % 5 ? " = " : " += ";
            text += values[rng() % (sizeof(values) / sizeof(values[0]))];
            text += "\n";
        }
        f->clear();
        CfgError err;
        if (!f->parse("web.cfg", text.data(), text.size(), err).ok()) {
            // Only `+=` mixing a list and a string, or joining long strings
            // past the arena, fails at this layer.
            const std::string m = err.message;
            ASSERT_TRUE(m.find("+= cannot join") != std::string::npos ||
                        m.find("too much text") != std::string::npos)
                << m;
            continue;
        }
        warnings.clear();
        cxen::Status st = cxen::domain_config_from_cfg(*f, *c, err, collect, &warnings);
        if (!st.ok()) {
            ASSERT_EQ(std::string(err.message).rfind("web.cfg", 0), 0u) << err.message;
            continue;
        }
        ASSERT_GE(c->maxmem_mib, c->memory_mib);
        ASSERT_GE(c->maxvcpus, c->vcpus);
        ASSERT_LE(c->maxvcpus, 128u);
        ASSERT_LT(std::strlen(c->cmdline), sizeof(c->cmdline));
        ASSERT_LT(std::strlen(c->name), sizeof(c->name)); // any string, even empty (libxl)
        ++built;
    }
    EXPECT_GT(built, 10); // some random configs must get all the way through
}
