// DomainConfig from xl.cfg settings; the keys, rules and sources are listed
// in domain_config.hpp. One row per key in `key_table`; the checks that
// involve two keys (maxmem/memory, maxvcpus/vcpus, cmdline/root/extra) run
// after every row has been applied.
#include "lib/xlcfg/domain_config.hpp"

#include <new>

#include "lib/base/format.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {

using Action = DomainConfig::Action;

// Indexed by Action; xl_parse.c action_on_shutdown_names[].
constexpr const char* action_names[] = {
    "destroy",          "restart",          "rename-restart", "preserve",
    "coredump-destroy", "coredump-restart", "soft-reset",
};
static_assert(sizeof(action_names) / sizeof(action_names[0]) ==
              static_cast<size_t>(Action::soft_reset) + 1);

Status copy_string(const CfgSetting& s, char* dst, size_t size, CfgError& err) {
    const char* v = TRY(cfg_string(s, err));
    const size_t n = strlen(v);
    if (n >= size) return cfg_setting_error(err, s, "longer than %zu characters", size - 1);
    memcpy(dst, v, n + 1);
    return ok_status();
}

template <typename T>
Status set_integer(const CfgSetting& s, int64_t min, int64_t max, T& field, CfgError& err) {
    field = static_cast<T>(TRY(cfg_integer(s, min, max, err)));
    return ok_status();
}

// libxl's rule (libxl__domain_rename): any string; a non-empty one must
// not name another domain, which the builder checks when it creates it.
Status apply_name(const CfgSetting& s, DomainConfig& d, CfgError& err) { return copy_string(s, d.name, sizeof(d.name), err); }

Status apply_type(const CfgSetting& s, DomainConfig& d, CfgError& err) {
    const char* v = TRY(cfg_string(s, err));
    if (strcmp(v, "pvh") == 0) {
        d.type = DomainConfig::Type::pvh;
        return ok_status();
    }
    if (strcmp(v, "pv") == 0 || strcmp(v, "hvm") == 0)
        return cfg_setting_error(
            err, s, "\"%s\" is not supported: cxen builds only PVH domains (type = \"pvh\")", v);
    char got[48];
    return cfg_setting_error(err, s, "unknown type %s (expected \"pvh\", \"pv\" or \"hvm\")",
                             cfg_describe_value(s.value, got, sizeof(got)));
}

// Deprecated since Xen 4.10; both of its values name a type cxen lacks.
Status apply_builder(const CfgSetting& s, DomainConfig&, CfgError& err) {
    const char* v = TRY(cfg_string(s, err));
    if (strcmp(v, "generic") == 0 || strcmp(v, "hvm") == 0)
        return cfg_setting_error(
            err, s, "\"%s\" (%s) is not supported: cxen builds only PVH domains (type = \"pvh\")",
            v, v[0] == 'g' ? "PV" : "HVM");
    char got[48];
    return cfg_setting_error(err, s, "unknown builder %s (expected \"generic\" or \"hvm\")",
                             cfg_describe_value(s.value, got, sizeof(got)));
}

Status apply_action(const CfgSetting& s, Action& a, CfgError& err) {
    const char* v = TRY(cfg_string(s, err));
    for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); ++i) {
        if (strcmp(v, action_names[i]) == 0) {
            a = static_cast<Action>(i);
            return ok_status();
        }
    }
    char got[48];
    return cfg_setting_error(err, s,
                             "unknown action %s (expected destroy, restart, rename-restart, "
                             "preserve, coredump-destroy, coredump-restart or soft-reset)",
                             cfg_describe_value(s.value, got, sizeof(got)));
}

using Apply = Status (*)(const CfgSetting&, DomainConfig&, CfgError&);
struct KeyRow {
    const char* key;
    Apply apply; // nullptr: read by the cross-key checks only
};

using D = DomainConfig;
using S = const CfgSetting&;
using E = CfgError&;

// Every key cxen reads, in the order they are checked.
constexpr KeyRow key_table[] = {
    {"name", apply_name},
    {"type", apply_type},
    {"builder", apply_builder},
    {"memory",
     [](S s, D& d, E e) { return set_integer(s, 1, D::max_memory_mib, d.memory_mib, e); }},
    {"maxmem",
     [](S s, D& d, E e) { return set_integer(s, 1, D::max_memory_mib, d.maxmem_mib, e); }},
    {"vcpus", [](S s, D& d, E e) { return set_integer(s, 1, D::max_vcpus_limit, d.vcpus, e); }},
    {"maxvcpus",
     [](S s, D& d, E e) { return set_integer(s, 1, D::max_vcpus_limit, d.maxvcpus, e); }},
    {"kernel", [](S s, D& d, E e) { return copy_string(s, d.kernel, sizeof(d.kernel), e); }},
    {"ramdisk", [](S s, D& d, E e) { return copy_string(s, d.ramdisk, sizeof(d.ramdisk), e); }},
    {"cmdline", nullptr},
    {"root", nullptr},
    {"extra", nullptr},
    {"on_poweroff", [](S s, D& d, E e) { return apply_action(s, d.on_poweroff, e); }},
    {"on_reboot", [](S s, D& d, E e) { return apply_action(s, d.on_reboot, e); }},
    {"on_watchdog", [](S s, D& d, E e) { return apply_action(s, d.on_watchdog, e); }},
    {"on_crash", [](S s, D& d, E e) { return apply_action(s, d.on_crash, e); }},
    {"on_soft_reset", [](S s, D& d, E e) { return apply_action(s, d.on_soft_reset, e); }},
    {"max_event_channels",
     [](S s, D& d, E e) {
         return set_integer(s, 1, D::max_event_channels_limit, d.max_event_channels, e);
     }},
    {"max_grant_frames",
     [](S s, D& d, E e) { return set_integer(s, 1, D::max_frames_limit, d.max_grant_frames, e); }},
    {"max_maptrack_frames",
     [](S s, D& d, E e) {
         return set_integer(s, 0, D::max_frames_limit, d.max_maptrack_frames, e);
     }},
};

bool is_known_key(const char* key) {
    for (const KeyRow& row : key_table)
        if (strcmp(row.key, key) == 0) return true;
    return false;
}

[[gnu::format(printf, 4, 5)]] void warn_at(CfgWarnFn warn, void* ctx, const CfgSetting& s,
                                           const char* fmt, ...) {
    if (!warn) return;
    char msg[CfgError::message_size];
    int n = snprintf(msg, sizeof(msg), "%s:%u: warning: ", s.file, s.line);
    const size_t off = n < 0 ? 0 : static_cast<size_t>(n);
    if (off < sizeof(msg)) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg + off, sizeof(msg) - off, fmt, ap);
        va_end(ap);
    }
    warn(ctx, msg);
}

// xl_parse.c parse_cmdline(): `cmdline` wins over `root` and `extra`
// (with a warning); otherwise "root=ROOT EXTRA", "root=ROOT" or "EXTRA".
Status apply_cmdline(const CfgFile& cfg, DomainConfig& d, CfgError& err, CfgWarnFn warn,
                     void* ctx) {
    const CfgSetting* cmdline = cfg.find("cmdline");
    const CfgSetting* root = cfg.find("root");
    const CfgSetting* extra = cfg.find("extra");
    if (cmdline) {
        TRY(copy_string(*cmdline, d.cmdline, sizeof(d.cmdline), err));
        if (root || extra)
            warn_at(warn, ctx, root ? *root : *extra, "ignoring %s in favour of cmdline",
                    root && extra ? "root and extra"
                    : root        ? "root"
                                  : "extra");
        return ok_status();
    }
    const char* root_v = root ? TRY(cfg_string(*root, err)) : nullptr;
    const char* extra_v = extra ? TRY(cfg_string(*extra, err)) : nullptr;
    int n = 0;
    if (root_v && extra_v)
        n = snprintf(d.cmdline, sizeof(d.cmdline), "root=%s %s", root_v, extra_v);
    else if (root_v)
        n = snprintf(d.cmdline, sizeof(d.cmdline), "root=%s", root_v);
    else if (extra_v)
        n = snprintf(d.cmdline, sizeof(d.cmdline), "%s", extra_v);
    if (n >= 0 && static_cast<size_t>(n) < sizeof(d.cmdline)) return ok_status();
    return cfg_setting_error(err, extra ? *extra : *root,
                             "the kernel command line%s is longer than %zu characters",
                             root && extra ? " (root= and extra)"
                             : root        ? " (root=)"
                                           : "",
                             sizeof(d.cmdline) - 1);
}

} // namespace

Status domain_config_from_cfg(const CfgFile& cfg, DomainConfig& out, CfgError& err, CfgWarnFn warn,
                              void* warn_ctx) {
    err.line = 0;
    err.message[0] = '\0';
    new (&out) DomainConfig(); // in place: DomainConfig is too big for a stack temporary

    // Warnings first, so that they show even when an error follows.
    for (const CfgSetting& s : cfg) {
        if (!cfg.is_superseded(s) && !is_known_key(s.key))
            warn_at(warn, warn_ctx, s, "ignoring unknown key \"%s\"", s.key);
    }

    if (!cfg.find("name"))
        return cfg_error(err, cfg.file_name(), 0, "name: missing (every domain needs a name)");
    for (const KeyRow& row : key_table) {
        const CfgSetting* s = row.apply ? cfg.find(row.key) : nullptr;
        if (s) TRY(row.apply(*s, out, err));
    }

    // libxl: an unset maxmem is memory, an unset memory is maxmem.
    const CfgSetting* memory = cfg.find("memory");
    const CfgSetting* maxmem = cfg.find("maxmem");
    if (!maxmem)
        out.maxmem_mib = out.memory_mib;
    else if (!memory)
        out.memory_mib = out.maxmem_mib;
    else if (out.maxmem_mib < out.memory_mib)
        return cfg_setting_error(err, *maxmem, "%llu is less than memory (%llu)",
                                 static_cast<unsigned long long>(out.maxmem_mib),
                                 static_cast<unsigned long long>(out.memory_mib));

    // xl: an unset maxvcpus is vcpus; an unset vcpus stays 1 (libxl).
    const CfgSetting* maxvcpus = cfg.find("maxvcpus");
    if (!maxvcpus)
        out.maxvcpus = out.vcpus;
    else if (out.maxvcpus < out.vcpus)
        return cfg_setting_error(err, *maxvcpus, "%u is less than vcpus (%u)", out.maxvcpus,
                                 out.vcpus);

    return apply_cmdline(cfg, out, err, warn, warn_ctx);
}

const char* domain_action_name(DomainConfig::Action a) {
    const auto i = static_cast<size_t>(a);
    return i < sizeof(action_names) / sizeof(action_names[0]) ? action_names[i] : "?";
}

const char* domain_type_name(DomainConfig::Type t) {
    switch (t) {
    case DomainConfig::Type::pv:
        return "pv";
    case DomainConfig::Type::pvh:
        return "pvh";
    case DomainConfig::Type::hvm:
        return "hvm";
    }
    return "?";
}

} // namespace cxen
