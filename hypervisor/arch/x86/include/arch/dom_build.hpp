// Domains built at boot from boot modules (Xen's dom0less/hyperlaunch idea).
#pragma once

#include <cstddef>

namespace cxen {
struct BootInfo;
}

namespace cxen::arch {

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

} // namespace cxen::arch
