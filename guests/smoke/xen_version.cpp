// Every xen_version sub-op of Xen 4.17 from inside a PVH domU, with the
// answers Xen gives a domU (xen/common/kernel.c do_xen_version under the
// dummy XSM policy): strings as whole NUL-padded arrays (XSA-122), the
// command line and build ID denied. Part of the hello kernel.
#include "guest.hpp"

using namespace cxen::guest;

namespace {

// The string fills its array: NUL-terminated, only NULs after it (what
// XTF's xsa-122 checks). Buffers are filled with 0xaa first.
bool padded(const char* s, size_t n) {
    const size_t len = strnlen(s, n);
    if (len == n) return false;
    for (size_t i = len; i < n; ++i)
        if (s[i] != '\0') return false;
    return true;
}

} // namespace

TEST_CASE("xen_version.strings_are_padded") {
    SKIP_UNLESS_XEN();
    xen_compile_info_t ci;
    memset(&ci, 0xaa, sizeof(ci));
    CHECK_OK(HYPERVISOR_xen_version(XENVER_compile_info, &ci));
    CHECK(padded(ci.compiler, sizeof(ci.compiler)));
    CHECK(padded(ci.compile_by, sizeof(ci.compile_by)));
    CHECK(padded(ci.compile_domain, sizeof(ci.compile_domain)));
    CHECK(padded(ci.compile_date, sizeof(ci.compile_date)));
    CHECK_GT(strnlen(ci.compiler, sizeof(ci.compiler)), 0u);
    xen_changeset_info_t cs;
    memset(cs, 0xaa, sizeof(cs));
    CHECK_OK(HYPERVISOR_xen_version(XENVER_changeset, cs));
    CHECK(padded(cs, sizeof(cs)));
    static xen_capabilities_info_t caps;
    memset(caps, 0xaa, sizeof(caps));
    CHECK_OK(HYPERVISOR_xen_version(XENVER_capabilities, caps));
    CHECK(padded(caps, sizeof(caps)));
    // Only the 64-bit interface: cxen does not translate 32-bit arguments.
    CHECK_EQ(strcmp(caps, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "), 0);
}

TEST_CASE("xen_version.features_platform_and_pagesize") {
    SKIP_UNLESS_XEN();
    xen_feature_info fi{};
    fi.submap_idx = 0;
    CHECK_OK(HYPERVISOR_xen_version(XENVER_get_features, &fi));
    CHECK_EQ(fi.submap, (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
                            (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock) |
                            (1u << XENFEAT_not_direct_mapped));
    fi.submap_idx = 1;
    CHECK_ERRNO(HYPERVISOR_xen_version(XENVER_get_features, &fi), EINVAL);
    xen_platform_parameters_t p{};
    CHECK_OK(HYPERVISOR_xen_version(XENVER_platform_parameters, &p));
    CHECK_EQ(p.virt_start, 0xffff800000000000ull);
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_pagesize, nullptr), 4096);
    CHECK_ERRNO(HYPERVISOR_xen_version(XENVER_pagesize, &p), EINVAL);
    uint8_t handle[sizeof(xen_domain_handle_t) + 1];
    memset(handle, 0xaa, sizeof(handle));
    CHECK_OK(HYPERVISOR_xen_version(XENVER_guest_handle, handle));
    CHECK_EQ(handle[sizeof(xen_domain_handle_t)], 0xaau); // 16 bytes, no more
}

TEST_CASE("xen_version.denied_to_a_domu") {
    SKIP_UNLESS_XEN();
    static char cmdline[sizeof(xen_commandline_t)];
    memset(cmdline, 0xaa, sizeof(cmdline));
    CHECK_OK(HYPERVISOR_xen_version(XENVER_commandline, cmdline));
    CHECK_EQ(strcmp(cmdline, "<denied>"), 0);
    CHECK_EQ(static_cast<uint8_t>(cmdline[9]), 0xaau); // Xen copies only "<denied>" and its NUL
    CHECK_ERRNO(HYPERVISOR_xen_version(XENVER_build_id, nullptr), EPERM);
    CHECK_ERRNO(HYPERVISOR_xen_version(11, nullptr), ENOSYS);
}
