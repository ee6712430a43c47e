// Xen ELF notes: the note types a kernel uses to tell the domain builder how
// to load and start it. Source: Xen public/elfnote.h (libxen-dev, Xen 4.17),
// whose numbers are taken from the installed header so that they cannot
// drift; how each note is read follows xen/common/libelf/libelf-dominfo.c
// (elf_xen_parse_note). Notes live in PT_NOTE segments (or, failing those,
// SHT_NOTE sections) with the owner name "Xen".
//
// <xen/elfnote.h> and <xen/features.h> are plain #defines with no includes,
// so they compile as freestanding C++ without any xen-compat setup (unlike
// headers that include xen.h, which wants __XEN_INTERFACE_VERSION__).
#pragma once

#include <cstdint>

#include <xen/elfnote.h>
#include <xen/features.h>

namespace cxen {

/// The owner name of Xen notes (namesz 4, including the NUL).
constexpr char xen_elfnote_name[] = "Xen";

/// Xen ELF note types, typed. The enumerators drop the XEN_ELFNOTE_ prefix
/// because the header's macros own the full names.
/// "numeric" notes carry a 1/2/4/8-byte little-endian integer (Xen reads any
/// other size as 0); "string" notes carry NUL-terminated ASCII.
enum class XenElfnote : uint32_t {
    INFO = XEN_ELFNOTE_INFO,                             ///< NAME=VALUE string (unused by Xen)
    ENTRY = XEN_ELFNOTE_ENTRY,                           ///< numeric: PV virtual entry point
    HYPERCALL_PAGE = XEN_ELFNOTE_HYPERCALL_PAGE,         ///< numeric: VA of the hypercall page
    VIRT_BASE = XEN_ELFNOTE_VIRT_BASE,                   ///< numeric: PV mapping base
    PADDR_OFFSET = XEN_ELFNOTE_PADDR_OFFSET,             ///< numeric: PV paddr adjustment
    XEN_VERSION = XEN_ELFNOTE_XEN_VERSION,               ///< string: "xen-3.0"
    GUEST_OS = XEN_ELFNOTE_GUEST_OS,                     ///< string: "linux", "FreeBSD", ...
    GUEST_VERSION = XEN_ELFNOTE_GUEST_VERSION,           ///< string
    LOADER = XEN_ELFNOTE_LOADER,                         ///< string: "generic"
    PAE_MODE = XEN_ELFNOTE_PAE_MODE,                     ///< string: "yes", "bimodal", ...
    FEATURES = XEN_ELFNOTE_FEATURES,                     ///< string: "feat|!required_feat|..."
    BSD_SYMTAB = XEN_ELFNOTE_BSD_SYMTAB,                 ///< string: "yes"
    HV_START_LOW = XEN_ELFNOTE_HV_START_LOW,             ///< numeric (PV)
    L1_MFN_VALID = XEN_ELFNOTE_L1_MFN_VALID,             ///< numeric pair (PV); Xen ignores it
    SUSPEND_CANCEL = XEN_ELFNOTE_SUSPEND_CANCEL,         ///< numeric
    INIT_P2M = XEN_ELFNOTE_INIT_P2M,                     ///< numeric (PV)
    MOD_START_PFN = XEN_ELFNOTE_MOD_START_PFN,           ///< numeric (PV)
    SUPPORTED_FEATURES = XEN_ELFNOTE_SUPPORTED_FEATURES, ///< u32 array: XENFEAT_* bitmap
    PHYS32_ENTRY = XEN_ELFNOTE_PHYS32_ENTRY, ///< numeric: 32-bit physical PVH entry point
};

constexpr uint32_t raw(XenElfnote n) {
    return static_cast<uint32_t>(n);
}

// The numbers are ABI: pin the ones the loader relies on.
static_assert(raw(XenElfnote::ENTRY) == 1);
static_assert(raw(XenElfnote::HYPERCALL_PAGE) == 2);
static_assert(raw(XenElfnote::VIRT_BASE) == 3);
static_assert(raw(XenElfnote::PADDR_OFFSET) == 4);
static_assert(raw(XenElfnote::XEN_VERSION) == 5);
static_assert(raw(XenElfnote::GUEST_OS) == 6);
static_assert(raw(XenElfnote::GUEST_VERSION) == 7);
static_assert(raw(XenElfnote::LOADER) == 8);
static_assert(raw(XenElfnote::PAE_MODE) == 9);
static_assert(raw(XenElfnote::FEATURES) == 10);
static_assert(raw(XenElfnote::SUPPORTED_FEATURES) == 17);
static_assert(raw(XenElfnote::PHYS32_ENTRY) == 18);
static_assert(XEN_ELFNOTE_MAX == XEN_ELFNOTE_PHYS32_ENTRY);

/// Set in a kernel's SUPPORTED_FEATURES when it honours start_info.rsdp_paddr
/// anywhere in memory; without it libxl puts a Linux guest's RSDP at
/// 0xFFFC0 (libxl__dom_load_acpi, tools/libs/light/libxl_x86_acpi.c).
static_assert(XENFEAT_linux_rsdp_unrestricted == 15);
/// SUPPORTED_FEATURES carries XENFEAT_NR_SUBMAPS 32-bit words.
static_assert(XENFEAT_NR_SUBMAPS == 1);

// Not in Xen 4.17's header, newer than this ABI: XEN_ELFNOTE_PHYS32_RELOC
// (19, PVH relocation range). Linux 6.1 does not emit it; cxen ignores it.

} // namespace cxen
