// The hypervisor's command line as booted (Xen's saved_cmdline), kept for
// XENVER_commandline: the control domain's xl reads it (autoballoon looks
// for dom0_mem=).
#pragma once

#include <cstddef>

namespace cxen {

/// Xen's COMMAND_LINE_SIZE: xen_commandline_t is this many bytes.
constexpr size_t saved_cmdline_size = 1024;

/// Keep a copy of `cmdline` (nullptr: empty), truncated to
/// saved_cmdline_size - 1 bytes. Boot only, before any guest runs.
void save_cmdline(const char* cmdline);
/// The saved line: saved_cmdline_size bytes, NUL-padded.
const char* saved_cmdline();

} // namespace cxen
