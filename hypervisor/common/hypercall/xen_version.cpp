// xen_version (public/version.h). cxen reports Xen 4.17's interface and
// answers every sub-op Xen 4.17 has as its do_xen_version
// (xen/common/kernel.c) does under the dummy XSM policy
// (xsm_xen_version): version, platform_parameters and get_features for
// anyone; extraversion, compile_info, capabilities, changeset, pagesize and
// guest_handle for any guest; commandline and build_id only for the control
// domain: a domU gets "<denied>" for the command line and -EPERM for the
// build ID; the control domain gets the hypervisor's command line (1024
// bytes, Xen's saved_cmdline) and, as cxen's image carries no build ID,
// -ENODATA after Xen's argument checks. Strings go out as whole arrays,
// NUL-padded (XSA-122). Unknown sub-ops: -ENOSYS.
//
// Where cxen says something of its own: extraversion ".0-cxen", changeset
// "cxen", compile_by "cxen" and compile_domain "[unknown]" (Xen's fallback;
// the builder's user and DNS domain would make the image depend on the
// machine that built it), the compiler's own version string, and the
// preprocessor's build date and time. XENVER_capabilities lists the HVM
// interfaces as Xen does without PV ("hvm-3.0-x86_32 hvm-3.0-x86_32p
// hvm-3.0-x86_64"): libxenguest refuses a PVH kernel unless
// "hvm-3.0-x86_32" is there (the PVH entry point runs in 32-bit protected
// mode, and xc_dom_compat_check() compares that). Hypercalls made from
// 32-bit mode get 32-bit register arguments but no compat layouts of the
// structures (docs/domains.md).
// XENVER_get_features gives what Xen gives a PVH guest without pirqs
// (XENFEAT_dom0 too for the hardware domain), except
// XENFEAT_memory_op_vnode_supported: cxen has no XENMEM_get_vnumainfo.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/cmdline/saved_cmdline.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/xsm/xsm.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
constexpr uint32_t xen_major = 4, xen_minor = 17;

/// HYPERVISOR_VIRT_START of x86-64 (public/arch-x86/xen-x86_64.h): the
/// start of the hole Xen keeps in a 64-bit PV guest's address space.
constexpr uint64_t hypervisor_virt_start = 0xffff800000000000ull;

/// What Xen's xen_deny() puts where a domU may not look.
constexpr char denied[] = "<denied>";

#ifdef __clang__
constexpr char compiler[] = "clang version " __clang_version__;
#else
constexpr char compiler[] = "gcc version " __VERSION__;
#endif

long efault() { return -static_cast<long>(Errno::XEN_EFAULT); }

/// The whole array of N bytes: `s`, truncated to N-1, then NULs.
template <size_t N> long copy_string(Vcpu& v, uint64_t gva, const char* s) {
    char buf[N] = {};
    strlcpy(buf, s, N);
    return arch::copy_to_guest(v, gva, buf, N) ? 0 : efault();
}

long get_features(Vcpu& v, uint64_t arg) {
    xen_feature_info fi;
    if (!arch::copy_from_guest(v, arg, fi)) return efault();
    if (fi.submap_idx != 0) return -static_cast<long>(Errno::XEN_EINVAL);
    // Xen 4.17 for an HVM guest with translated paging, not direct-mapped,
    // without pirqs; XENFEAT_dom0 for the hardware domain.
    fi.submap = (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
                (1u << XENFEAT_hvm_safe_pvclock) | (1u << XENFEAT_hvm_callback_vector) |
                (1u << XENFEAT_not_direct_mapped);
    if (is_hardware_domain(*v.domain)) fi.submap |= 1u << XENFEAT_dom0;
    return arch::copy_to_guest(v, arg, fi) ? 0 : efault();
}

/// XENVER_build_id for a caller allowed to ask (Xen's order): a non-null
/// handle is read (-EFAULT) and must offer room (len 0: -EINVAL); then the
/// ID itself, which cxen's image does not carry: -ENODATA, as Xen's
/// xen_build_id() without one.
long build_id(Vcpu& v, uint64_t arg) {
    if (arg) {
        uint32_t len;
        if (!arch::copy_from_guest(v, arg, len)) return efault(); // xen_build_id_t.len
        if (len == 0) return -static_cast<long>(Errno::XEN_EINVAL);
    }
    return -static_cast<long>(Errno::XEN_ENODATA);
}
} // namespace

long do_xen_version(Vcpu& v, const HypercallArgs& args) {
    const uint64_t arg = args.a[1];
    const int cmd = static_cast<int>(args.a[0]); // int cmd in the ABI
    const bool deny = !xsm_xen_version(*v.domain, static_cast<uint32_t>(cmd));
    switch (cmd) {
    case XENVER_version:
        return (xen_major << 16) | xen_minor;
    case XENVER_extraversion:
        return copy_string<sizeof(xen_extraversion_t)>(v, arg, ".0-cxen");
    case XENVER_compile_info: {
        xen_compile_info_t ci = {};
        strlcpy(ci.compiler, compiler, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "cxen", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "[unknown]", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(ci.compile_date));
        return arch::copy_to_guest(v, arg, ci) ? 0 : efault();
    }
    case XENVER_capabilities:
        // Built as Xen's arch_get_xen_caps(): each name followed by a space.
        return copy_string<sizeof(xen_capabilities_info_t)>(v, arg, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ");
    case XENVER_changeset:
        return copy_string<sizeof(xen_changeset_info_t)>(v, arg, "cxen");
    case XENVER_platform_parameters: {
        xen_platform_parameters_t p = {};
        p.virt_start = hypervisor_virt_start;
        return arch::copy_to_guest(v, arg, p) ? 0 : efault();
    }
    case XENVER_get_features:
        return get_features(v, arg);
    case XENVER_pagesize:
        return arg ? -static_cast<long>(Errno::XEN_EINVAL) : static_cast<long>(page_size);
    case XENVER_guest_handle: // the domain's UUID (XEN_DOMCTL_setdomainhandle); zero until set
        return arch::copy_to_guest(v, arg, v.domain->handle, sizeof(xen_domain_handle_t)) ? 0 : efault();
    case XENVER_commandline:
        // Denied: Xen copies strlen("<denied>") + 1 bytes, not the array.
        if (deny) return arch::copy_to_guest(v, arg, denied, sizeof(denied)) ? 0 : efault();
        return arch::copy_to_guest(v, arg, saved_cmdline(), saved_cmdline_size) ? 0 : efault();
    case XENVER_build_id:
        if (deny) return -static_cast<long>(Errno::XEN_EPERM); // before anything is read
        return build_id(v, arg);
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
