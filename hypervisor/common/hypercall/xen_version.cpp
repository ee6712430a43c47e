// xen_version (public/version.h). cxen reports Xen 4.17's interface.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/lib/string.hpp"

namespace cxen {

namespace {
constexpr uint32_t xen_major = 4, xen_minor = 17;

template <size_t N> long copy_string(Vcpu& v, uint64_t gva, const char* s) {
    char buf[N] = {};
    strlcpy(buf, s, N);
    return arch::copy_to_guest(v, gva, buf, N) ? 0 : -static_cast<long>(Errno::XEN_EFAULT);
}
} // namespace

long do_xen_version(Vcpu& v, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], arg = args.a[1];
    switch (cmd) {
    case XENVER_version:
        return (xen_major << 16) | xen_minor;
    case XENVER_extraversion:
        return copy_string<sizeof(xen_extraversion_t)>(v, arg, ".0-cxen");
    case XENVER_capabilities:
        return copy_string<sizeof(xen_capabilities_info_t)>(v, arg, "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p");
    case XENVER_changeset:
        return copy_string<sizeof(xen_changeset_info_t)>(v, arg, "cxen");
    case XENVER_pagesize:
        return page_size;
    case XENVER_get_features: {
        xen_feature_info fi;
        if (!arch::copy_from_guest(v, arg, fi)) return -static_cast<long>(Errno::XEN_EFAULT);
        fi.submap = 0;
        if (fi.submap_idx == 0)
            fi.submap = (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_writable_descriptor_tables) |
                        (1u << XENFEAT_auto_translated_physmap) | (1u << XENFEAT_supervisor_mode_kernel) |
                        (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock);
        return arch::copy_to_guest(v, arg, fi) ? 0 : -static_cast<long>(Errno::XEN_EFAULT);
    }
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
