// DomainConfig: the typed description of one domain, read from the settings
// of an xl.cfg file (xl_cfg.hpp). Used for the domains built at boot from
// boot modules, and later by tools/xl.
//
// Source: Xen 4.17 docs/man/xl.cfg.5.pod.in for the keys, their meaning and
// defaults; tools/xl/xl_parse.c parse_config_data() and parse_cmdline() for
// how xl reads them; tools/libs/light/libxl_create.c
// libxl__domain_build_info_setdefault() for libxl's defaults;
// xen/common/grant_table.c for the grant table defaults. docs/xl-cfg.md
// lists the keys and where cxen differs from xl.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/xlcfg/xl_cfg.hpp"
#include "lib/base/result.hpp"

namespace cxen {

struct DomainConfig {
    /// xl.cfg `type`. cxen builds only PVH domains; the others are named so
    /// that a config asking for them gets a clear error.
    enum class Type : uint8_t { pv, pvh, hvm };

    /// xl.cfg `on_*` actions (libxl_action_on_shutdown), spelled in configs
    /// as destroy, restart, rename-restart, preserve, coredump-destroy,
    /// coredump-restart, soft-reset.
    enum class Action : uint8_t {
        destroy,
        restart,
        rename_restart,
        preserve,
        coredump_destroy,
        coredump_restart,
        soft_reset,
    };

    /// libxl's default when neither `memory` nor `maxmem` is set.
    static constexpr uint64_t default_memory_mib = 32;
    /// cxen's limit (16 TiB, the most RAM Xen 4.17 supports on x86 hosts).
    static constexpr uint64_t max_memory_mib = uint64_t{1} << 24;
    /// HVM_MAX_VCPUS from Xen public/hvm/hvm_info_table.h (PVH is HVM).
    static constexpr uint32_t max_vcpus_limit = 128;
    /// libxl's default (libxl_create.c).
    static constexpr uint32_t default_max_event_channels = 1023;
    /// The FIFO ABI's limit, 2^17 - 1 (xl.cfg, max_event_channels).
    static constexpr uint32_t max_event_channels_limit = 131071;
    /// Xen's gnttab_max_frames and gnttab_max_maptrack_frames defaults,
    /// which xl uses when the config and xl.conf say nothing.
    static constexpr uint32_t default_max_grant_frames = 64;
    static constexpr uint32_t default_max_maptrack_frames = 1024;
    /// xl's bound for both (xlu_cfg_get_bounded_long(..., 0, INT_MAX)).
    static constexpr uint32_t max_frames_limit = 0x7fffffff;

    char name[64] = {};    ///< required; see domain_config_from_cfg() for the rules
    Type type = Type::pvh; ///< xl's default is pv; cxen's is pvh
    uint64_t memory_mib = default_memory_mib; ///< `memory`: RAM at start
    uint64_t maxmem_mib = default_memory_mib; ///< `maxmem`: >= memory_mib
    uint32_t vcpus = 1;                       ///< `vcpus`: online at start
    uint32_t maxvcpus = 1;                    ///< `maxvcpus`: >= vcpus
    char kernel[256] = {};                    ///< `kernel` path; "" if unset
    char ramdisk[256] = {};                   ///< `ramdisk` path; "" if unset
    char cmdline[1024] = {};                  ///< `cmdline`, or built from `root` and `extra`
    Action on_poweroff = Action::destroy;
    Action on_reboot = Action::restart;
    Action on_watchdog = Action::destroy;
    Action on_crash = Action::destroy;
    Action on_soft_reset = Action::soft_reset;
    uint32_t max_event_channels = default_max_event_channels;
    uint32_t max_grant_frames = default_max_grant_frames;
    uint32_t max_maptrack_frames = default_max_maptrack_frames;
};

/// Receives one warning, a line "FILE:LINE: warning: ...". `message` lives
/// only for the call.
using CfgWarnFn = void (*)(void* ctx, const char* message);

/// Build `out` from the settings of `cfg` (the last setting of a key wins).
///
/// Keys: name, type, builder, memory, maxmem, vcpus, maxvcpus, kernel,
/// ramdisk, cmdline, root, extra, on_poweroff, on_reboot, on_watchdog,
/// on_crash, on_soft_reset, max_event_channels, max_grant_frames,
/// max_maptrack_frames. Other keys are ignored with a warning through `warn`
/// (if not nullptr), once per key. `root` and `extra` next to `cmdline` are
/// ignored with a warning, as in xl.
///
/// Rules (message examples after "FILE:LINE: "):
/// - name: required, any string of at most 63 bytes, as libxl (which has
///   no length limit): "web~1", "-x", "42" and "" are names. Uniqueness of
///   non-empty names is checked when the domain is created.
/// - type: only "pvh" (exact spelling); "pv" and "hvm" are unsupported,
///   anything else unknown. builder ("generic" = pv, "hvm") is likewise
///   unsupported.
/// - memory, maxmem: 1..max_memory_mib MiB; maxmem >= memory. Unset memory
///   is maxmem if that is set (libxl), else 32; unset maxmem is memory.
/// - vcpus, maxvcpus: 1..128; maxvcpus >= vcpus. Unset vcpus is 1; unset
///   maxvcpus is vcpus.
/// - max_event_channels 1..131071; max_grant_frames 1..2^31-1;
///   max_maptrack_frames 0..2^31-1 (the hypervisor checks them against its
///   own gnttab limits when it creates the domain).
/// - kernel, ramdisk, cmdline: strings shorter than their fields.
/// - on_*: one of the seven action names (exact spelling, as xl).
/// - Integers are as cfg_integer(); strings as cfg_string() (so a list is
///   an error, where xl warns and ignores the key).
///
/// Errors: -EINVAL with `err` naming file, line and key, e.g.
/// `web.cfg:7: memory: expected an integer, got "1G0"`; for a missing name,
/// `web.cfg: name: missing (every domain needs a name)`. On error `out` is
/// partly filled and must not be used.
[[nodiscard]] Status domain_config_from_cfg(const CfgFile& cfg, DomainConfig& out, CfgError& err,
                                            CfgWarnFn warn = nullptr, void* warn_ctx = nullptr);

/// The config spelling of `a` ("rename-restart"), for messages and `xl list -l`.
const char* domain_action_name(DomainConfig::Action a);

/// The config spelling of `t` ("pvh").
const char* domain_type_name(DomainConfig::Type t);

} // namespace cxen
