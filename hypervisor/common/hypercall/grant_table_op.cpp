// grant_table_op (public/grant_table.h): the thin shell over the cores in
// common/grant/grant_table.cpp. As Xen's hvm_grant_table_op() +
// do_grant_table_op() (xen/arch/x86/hvm/hypercall.c, xen/common/grant_table.c):
// the sub-ops an HVM/PVH guest may use are listed; every other command,
// including any with bits above GNTTABOP_CMD_MASK, is -ENOSYS before the
// argument is read. `cmd` and `count` are C `unsigned int` in Xen, so only
// their low 32 bits count.
#include "abi/xen/grant_table.hpp"
#include "arch/guest_access.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

namespace {
constexpr long err(Errno e) { return -static_cast<long>(e); }

struct FrameListCtx {
    Vcpu& v;
    uint64_t frame_list; // guest-virtual xen_pfn_t[nr_frames]
};

long setup_table(Vcpu& v, uint64_t uop, uint32_t count) {
    if (count != 1) return err(Errno::XEN_EINVAL);
    gnttab_setup_table_t op;
    if (!arch::copy_from_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    FrameListCtx ctx{v, reinterpret_cast<uint64_t>(op.frame_list.p)};
    gnttab_setup_table(*v.domain, op, [](void* c, uint32_t i, uint64_t gfn) {
        auto* fc = static_cast<FrameListCtx*>(c);
        const xen_pfn_t pfn = gfn;
        return arch::copy_to_guest(fc->v, fc->frame_list + uint64_t{i} * sizeof(pfn), pfn).ok();
    }, &ctx);
    // Only the status field goes back (__copy_field_to_guest).
    if (!arch::copy_to_guest(v, uop + offsetof(gnttab_setup_table_t, status), &op.status, sizeof(op.status)))
        return err(Errno::XEN_EFAULT);
    return 0;
}

long query_size(Vcpu& v, uint64_t uop, uint32_t count) {
    if (count != 1) return err(Errno::XEN_EINVAL);
    gnttab_query_size_t op;
    if (!arch::copy_from_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    gnttab_query_size(*v.domain, op);
    return arch::copy_to_guest(v, uop, op) ? 0 : err(Errno::XEN_EFAULT);
}

long set_version(Vcpu& v, uint64_t uop) {
    gnttab_set_version_t op;
    if (!arch::copy_from_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    Status st = gnttab_set_version(*v.domain, op);
    if (!arch::copy_to_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    return st ? 0 : err(st.error());
}

long get_version(Vcpu& v, uint64_t uop) {
    gnttab_get_version_t op;
    if (!arch::copy_from_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    if (Status st = gnttab_get_version(*v.domain, op); !st) return err(st.error());
    if (!arch::copy_to_guest(v, uop + offsetof(gnttab_get_version_t, version), &op.version, sizeof(op.version)))
        return err(Errno::XEN_EFAULT);
    return 0;
}
} // namespace

long do_grant_table_op(Vcpu& v, const HypercallArgs& args) {
    const auto cmd = static_cast<uint32_t>(args.a[0]);
    const uint64_t uop = args.a[1];
    const auto count = static_cast<uint32_t>(args.a[2]);
    switch (cmd) { // hvm_grant_table_op(): the audited commands
    case GNTTABOP_query_size:
    case GNTTABOP_setup_table:
    case GNTTABOP_set_version:
    case GNTTABOP_get_version:
    case GNTTABOP_copy:
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_swap_grant_ref:
        break;
    default:
        return err(Errno::XEN_ENOSYS);
    }
    if (static_cast<int32_t>(count) < 0) return err(Errno::XEN_EINVAL);
    switch (cmd) {
    case GNTTABOP_setup_table: return setup_table(v, uop, count);
    case GNTTABOP_query_size: return query_size(v, uop, count);
    case GNTTABOP_set_version: return set_version(v, uop);
    case GNTTABOP_get_version: return get_version(v, uop);
    default: return err(Errno::XEN_ENOSYS); // TODO(#4): map, unmap, copy, swap
    }
}

} // namespace cxen
