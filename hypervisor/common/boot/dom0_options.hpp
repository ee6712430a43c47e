// The dom0 options of the hypervisor command line, with Xen's syntax
// (docs/misc/xen-command-line.pandoc, 4.17: dom0, dom0_mem (x86),
// dom0_max_vcpus) and Xen's arithmetic (xen/arch/x86/dom0_build.c:
// parse_amt, dom0_compute_nr_pages, dom0_max_vcpus). Pure functions: the
// caller supplies the memory and CPU counts. Host-tested.
#pragma once

#include <cstdint>

namespace cxen {

/// One `<sz>` of dom0_mem: `<size>`, `-<size>` (all available memory but
/// that much), `[<size>+]<frac>%` (that fraction of the host's memory, plus
/// size). Sizes take K/M/G/T suffixes; a bare number is KiB, as in Xen.
struct Dom0MemAmount {
    bool set = false;
    bool negative = false;
    uint64_t bytes = 0;
    unsigned percent = 0; ///< < 100
};

/// dom0_mem = List of ( min:<sz> | max:<sz> | <sz> ).
struct Dom0Mem {
    Dom0MemAmount amount, min, max;
};

/// Parse a dom0_mem value into `out` (left alone if malformed). False for
/// an empty list element, a bad size or unit, a fraction of 100 or more,
/// a negative size with a fraction, or an unknown `xxx:` prefix.
[[nodiscard]] bool parse_dom0_mem(const char* s, Dom0Mem& out);

/// Dom0's initial page count, as Xen's dom0_compute_nr_pages() for a
/// PVH dom0: the amount (default, or if it comes to 0: all of `avail_pages`
/// but a reserve of 1/16 of it or 128 MiB, whichever is smaller), raised to
/// min, lowered to max, and never more than avail_pages. Percentages and
/// negative sizes are of avail_pages, as Xen's get_memsize().
[[nodiscard]] uint64_t dom0_nr_pages(const Dom0Mem& m, uint64_t avail_pages);

/// Dom0's maximum reservation in pages: max: when given, else unlimited
/// (UINT64_MAX).
[[nodiscard]] uint64_t dom0_max_pages(const Dom0Mem& m, uint64_t avail_pages);

/// dom0_max_vcpus = <n> | <min>-<max> (either side may be empty: 1 and
/// unlimited). `<n>` is `<n>-<n>`.
struct Dom0MaxVcpus {
    unsigned min = 1;
    unsigned max = ~0u;
};
[[nodiscard]] bool parse_dom0_max_vcpus(const char* s, Dom0MaxVcpus& out);

/// Xen's dom0_max_vcpus(): the pCPU count, at least min, at most max, and
/// at most `limit` (HVM_MAX_VCPUS for a PVH dom0).
[[nodiscard]] unsigned dom0_vcpus(const Dom0MaxVcpus& o, unsigned nr_pcpus, unsigned limit);

/// dom0 = List of [ pv | pvh | ... ]: only the mode matters to cxen. False
/// for an element it does not know; `pvh` is set when the list asks for a
/// PVH dom0 (cxen builds only PVH dom0s, so `pv` is noted and refused by
/// the caller with a message, not here).
struct Dom0Mode {
    bool pvh = false;
    bool pv = false;
};
[[nodiscard]] bool parse_dom0_mode(const char* s, Dom0Mode& out);

} // namespace cxen
