// Grant tables (Xen public/grant_table.h): layouts copied across the guest
// boundary and the per-operation status, GNTST_*, as its own type so that it
// can never be returned where a hypercall's errno is expected (STYLE).
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/xen/xen.hpp"

namespace cxen {

/// GNTST_* (public/grant_table.h): the `status` field of a GNTTABOP_*
/// argument struct. The hypercall itself still returns 0 or -errno.
enum class GrantStatus : int16_t {
    okay = GNTST_okay,
    general_error = GNTST_general_error,
    bad_domain = GNTST_bad_domain,
    bad_gntref = GNTST_bad_gntref,
    bad_handle = GNTST_bad_handle,
    bad_virt_addr = GNTST_bad_virt_addr,
    bad_dev_addr = GNTST_bad_dev_addr,
    no_device_space = GNTST_no_device_space,
    permission_denied = GNTST_permission_denied,
    bad_page = GNTST_bad_page,
    bad_copy_arg = GNTST_bad_copy_arg,
    address_too_big = GNTST_address_too_big,
    eagain = GNTST_eagain,
    no_space = GNTST_no_space,
};
constexpr int16_t raw(GrantStatus s) { return static_cast<int16_t>(s); }

/// Grant entries per 4 KiB frame, by version (8-byte v1, 16-byte v2 entries).
constexpr unsigned grant_entries_per_frame_v1 = 4096 / sizeof(grant_entry_v1_t);

namespace xen_abi {
static_assert(sizeof(grant_entry_v1_t) == 8);
static_assert(sizeof(grant_entry_v2_t) == 16);
static_assert(offsetof(gnttab_setup_table_t, dom) == 0);
static_assert(offsetof(gnttab_setup_table_t, nr_frames) == 4);
static_assert(offsetof(gnttab_setup_table_t, status) == 8);
static_assert(offsetof(gnttab_setup_table_t, frame_list) == 16);
static_assert(sizeof(gnttab_setup_table_t) == 24);
static_assert(offsetof(gnttab_query_size_t, dom) == 0);
static_assert(offsetof(gnttab_query_size_t, nr_frames) == 4);
static_assert(offsetof(gnttab_query_size_t, max_nr_frames) == 8);
static_assert(offsetof(gnttab_query_size_t, status) == 12);
static_assert(sizeof(gnttab_query_size_t) == 16);
static_assert(sizeof(gnttab_set_version_t) == 4);
static_assert(offsetof(gnttab_get_version_t, version) == 4);
static_assert(sizeof(gnttab_get_version_t) == 8);
static_assert(sizeof(xen_pfn_t) == 8);
} // namespace xen_abi

} // namespace cxen
