// libFuzzer target: the xl.cfg parser (CfgFile) and the DomainConfig layer
// on arbitrary bytes. Not built by CMake yet; by hand, from the top of the
// tree (the fake arch only supplies assert_failed() here):
//
//   clang++ -std=gnu++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -DCXEN_HOST_TEST -I. \
//     tests/fuzz/xl_cfg_fuzz.cpp lib/xlcfg/xl_cfg.cpp \
//     lib/xlcfg/domain_config.cpp lib/base/format.cpp \
//     -o xl_cfg_fuzz && ./xl_cfg_fuzz -max_len=4096
//
// Every input must parse or fail with a message; a crash, a sanitizer report
// or a failed check below is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "lib/xlcfg/domain_config.hpp"
#include "lib/xlcfg/xl_cfg.hpp"

namespace cxen {
// Normally from the host fakes; defined here so the target links alone.
[[noreturn]] void assert_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "ASSERT failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}
} // namespace cxen

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "xl_cfg_fuzz: check failed: %s\n", what);
        std::abort();
    }
}

void check_value(const cxen::CfgValue& v, size_t depth) {
    check(depth <= cxen::CfgFile::max_list_depth + 1, "list depth");
    if (v.is_list()) {
        check((v.items == nullptr) == (v.nr_items == 0), "empty list has no items");
        for (size_t i = 0; i < v.nr_items; ++i)
            check_value(v.items[i], depth + 1);
    } else {
        check(v.text && std::strlen(v.text) == v.len, "atom text is a C string of len bytes");
    }
}

void on_warning(void*, const char* message) {
    check(message && message[0], "warning text");
}

// Large: static, as in the hypervisor.
cxen::CfgFile cfg;
cxen::DomainConfig domain;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* text = reinterpret_cast<const char*>(data);
    cxen::CfgError err;
    cfg.clear();
    if (!cfg.parse("fuzz.cfg", text, size, err).ok()) {
        check(std::strncmp(err.message, "fuzz.cfg:", 9) == 0, "error names the file");
        check(cfg.size() == 0, "failed parse appends nothing");
        return 0;
    }
    for (const cxen::CfgSetting& s : cfg) {
        check(s.key && s.key[0] >= 'a' && s.key[0] <= 'z', "key starts with a-z");
        check_value(s.value, 0);
        cxen::CfgError e;
        (void)cxen::cfg_integer(s, INT64_MIN, INT64_MAX, e);
        (void)cxen::cfg_string(s, e);
        (void)cxen::cfg_list(s, e);
    }
    if (cxen::domain_config_from_cfg(cfg, domain, err, on_warning, nullptr).ok()) {
        // Any string is a name, as in libxl (even ""): it only has to fit.
        check(std::memchr(domain.name, '\0', sizeof(domain.name)) != nullptr, "name terminated");
        check(domain.maxmem_mib >= domain.memory_mib, "maxmem >= memory");
        check(domain.maxvcpus >= domain.vcpus && domain.maxvcpus <= 128, "vcpu bounds");
    } else {
        check(std::strncmp(err.message, "fuzz.cfg", 8) == 0, "error names the file");
    }

    // The same bytes again, appended as a second file (as `xl create` does
    // with KEY=VALUE overrides), to reach `+=` joins across parses.
    const size_t before = cfg.size();
    if (!cfg.parse("<command line>", text, size, err).ok())
        check(cfg.size() == before, "failed parse appends nothing");
    return 0;
}
