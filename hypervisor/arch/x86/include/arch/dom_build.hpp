// Domains built at boot from boot modules (Xen's dom0less/hyperlaunch idea).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/types.hpp"

namespace cxen {
struct BootInfo;
struct BootModule;
struct Domain;
}

namespace cxen::arch {

/// What a PVH domain is built from, whoever asked for it: an xl.cfg module
/// group (build_boot_domains) or dom0's options and modules
/// (pvh/dom0_build.cpp).
struct PvhBuildSpec {
    const char* file;        ///< names the domain in messages ("web.cfg", "dom0")
    const char* kernel_name; ///< the kernel as the user named it
    uint16_t domid; ///< Domid
    const char* name;
    uint64_t memory_mib, maxmem_mib;
    unsigned vcpus;
    const char* cmdline;
    uint32_t max_event_channels, max_grant_frames, max_maptrack_frames;
    const BootModule* kernel;
    const BootModule* ramdisk; ///< nullptr: none
    /// dom0: privileged, start info flags SIF_PRIVILEGED | SIF_INITDOMAIN,
    /// no PV console (its console is console_io, as on Xen).
    bool initial_domain;
    void (*on_shutdown)(Domain&);
};

/// Build and start one PVH domain. False with `why` ("<file>: <what>:
/// <errno>") if it could not; whatever it took is returned first.
[[nodiscard]] bool build_pvh_domain(const PvhBuildSpec& spec, char* why, size_t len);

/// The first word of a module's command line (its path, for loaders that
/// put one there), copied into buf; "" if there is none.
const char* module_path(const BootModule& m, char* buf, size_t len);

/// Skip the image path that loaders other than GRUB 2 put in front of a
/// command line (Xen's cmdline_cook()).
const char* cook_cmdline(const char* s, const char* loader_name);

/// Boot modules come in groups: a module whose arguments are `cfg` holds an
/// xl.cfg file; the `kernel` and optional `ramdisk` modules after it belong
/// to that domain. Build and start one PVH domain per group. A bad config or
/// image is reported as "<file>:<line>: <what>" and skipped; the other
/// domains still start. Returns the number of domains started and sets
/// `groups` to the number of cfg modules seen.
unsigned build_boot_domains(const BootInfo& bi, unsigned& groups);

/// The hypervisor command line's dom0 options (custom Param handlers):
/// dom0_mem=, dom0_max_vcpus=, dom0= (common/boot/dom0_options.hpp).
bool dom0_mem_option(const char* value);
bool dom0_max_vcpus_option(const char* value);
bool dom0_option(const char* value);

/// Is the first boot module dom0's kernel (no domU tag)?
bool boot_modules_have_dom0(const BootInfo& bi);
/// Build dom0 from the first boot module (and the second as its initrd,
/// if untagged) with the dom0 options, after the boot-built domUs took
/// their memory. False (logged) if there is no dom0 module or it failed.
/// `on_shutdown` is what dom0's shutdown does (Xen's hwdom_shutdown()).
[[nodiscard]] bool build_dom0(const BootInfo& bi, void (*on_shutdown)(Domain&));

} // namespace cxen::arch
