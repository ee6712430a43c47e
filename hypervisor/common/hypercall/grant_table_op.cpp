// grant_table_op (public/grant_table.h): the thin shell over the cores in
// common/grant/. As Xen's hvm_grant_table_op() + do_grant_table_op()
// (xen/arch/x86/hvm/hypercall.c, xen/common/grant_table.c): only the
// sub-ops Xen 4.17 lets an HVM/PVH guest use are reachable; every other
// command (including unmap_and_replace, get_status_frames, transfer,
// cache_flush, and any with bits above GNTTABOP_CMD_MASK) is -ENOSYS before
// the argument is read. `cmd` and `count` are C `unsigned int` in Xen, so
// only their low 32 bits count.
//
// Batches (map, unmap, copy, swap): one checked copy of each element in, the
// core, one copy of the result out; a fault stops the batch with -EFAULT,
// the elements before it done. Every 64 elements a batch checks for work
// waiting on this pCPU and, if there is some, stops and continues later
// (hypercall_create_continuation), so a huge count cannot hold the pCPU.
#include "abi/xen/grant_table.hpp"
#include "arch/guest_access.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

namespace xen_abi { // the layouts copied here (public/grant_table.h, x86-64)
static_assert(sizeof(gnttab_map_grant_ref_t) == 32);
static_assert(offsetof(gnttab_map_grant_ref_t, status) == 18);
static_assert(offsetof(gnttab_map_grant_ref_t, handle) == 20);
static_assert(offsetof(gnttab_map_grant_ref_t, dev_bus_addr) == 24);
static_assert(sizeof(gnttab_unmap_grant_ref_t) == 24);
static_assert(offsetof(gnttab_unmap_grant_ref_t, status) == 20);
static_assert(sizeof(gnttab_unmap_and_replace_t) == 24);
static_assert(offsetof(gnttab_unmap_and_replace_t, status) == 20);
static_assert(sizeof(gnttab_copy_t) == 40);
static_assert(offsetof(gnttab_copy_t, dest) == 16);
static_assert(offsetof(gnttab_copy_t, len) == 32);
static_assert(offsetof(gnttab_copy_t, status) == 36);
static_assert(sizeof(gnttab_get_status_frames_t) == 16);
static_assert(offsetof(gnttab_get_status_frames_t, status) == 6);
static_assert(offsetof(gnttab_get_status_frames_t, frame_list) == 8);
} // namespace xen_abi

/// Xen 4.17's hvm_grant_table_op() refuses these two for HVM/PVH guests;
/// the cores exist (tests call them) for the control domain to come.
constexpr bool gnttab_hvm_allows_unmap_and_replace = false;
constexpr bool gnttab_hvm_allows_get_status_frames = false;

namespace {

struct FrameListCtx {
    Vcpu& v;
    uint64_t frame_list; // guest-virtual xen_pfn_t[nr_frames] / uint64_t[nr_frames]
};
bool put_frame(void* c, uint32_t i, uint64_t gfn) {
    auto* fc = static_cast<FrameListCtx*>(c);
    const uint64_t pfn = gfn;
    return arch::copy_to_guest(fc->v, fc->frame_list + uint64_t{i} * sizeof(pfn), pfn).ok();
}

long setup_table(Vcpu& v, uint64_t uop, uint32_t count) {
    if (count != 1) return err(Errno::XEN_EINVAL);
    gnttab_setup_table_t op;
    if (!arch::copy_from_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    FrameListCtx ctx{v, reinterpret_cast<uint64_t>(op.frame_list.p)};
    gnttab_setup_table(*v.domain, op, put_frame, &ctx);
    // Only the status field goes back (__copy_field_to_guest).
    if (!arch::copy_to_guest(v, uop + offsetof(gnttab_setup_table_t, status), &op.status, sizeof(op.status)))
        return err(Errno::XEN_EFAULT);
    return 0;
}

long get_status_frames(Vcpu& v, uint64_t uop, uint32_t count) {
    if (count != 1) return err(Errno::XEN_EINVAL);
    gnttab_get_status_frames_t op;
    if (!arch::copy_from_guest(v, uop, op)) return err(Errno::XEN_EFAULT);
    FrameListCtx ctx{v, reinterpret_cast<uint64_t>(op.frame_list.p)};
    gnttab_get_status_frames(*v.domain, op, put_frame, &ctx);
    if (!arch::copy_to_guest(v, uop + offsetof(gnttab_get_status_frames_t, status), &op.status, sizeof(op.status)))
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

// A batch of T: copy element i in, run `core`, copy back the whole element
// (map: status, handle, dev_bus_addr) or only its status field. Every
// hypercall_preempt_interval elements, if other work waits on this pCPU, the rest
// becomes a continuation (cmd, uop past the done elements, the remaining
// count), as Xen's gnttab_*_op loops do.
template <typename T, size_t out_off, size_t out_len>
long batch(Vcpu& v, uint32_t cmd, uint64_t uop, uint32_t count, void (*core)(Domain&, T&)) {
    for (uint32_t i = 0; i < count; ++i) {
        if (i && i % hypercall_preempt_interval == 0 && hypercall_preempt_check()) {
            hypercall_create_continuation(v, 3, {{cmd, uop + uint64_t{i} * sizeof(T), count - i, 0, 0}});
            return 0;
        }
        const uint64_t at = uop + uint64_t{i} * sizeof(T);
        T op;
        if (!arch::copy_from_guest(v, at, op)) return err(Errno::XEN_EFAULT);
        core(*v.domain, op);
        if (!arch::copy_to_guest(v, at + out_off, reinterpret_cast<const uint8_t*>(&op) + out_off, out_len))
            return err(Errno::XEN_EFAULT);
    }
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
    case GNTTABOP_unmap_and_replace:
        if (gnttab_hvm_allows_unmap_and_replace) break;
        return err(Errno::XEN_ENOSYS);
    case GNTTABOP_get_status_frames:
        if (gnttab_hvm_allows_get_status_frames) break;
        return err(Errno::XEN_ENOSYS);
    default:
        return err(Errno::XEN_ENOSYS);
    }
    if (static_cast<int32_t>(count) < 0) return err(Errno::XEN_EINVAL);
    switch (cmd) {
    case GNTTABOP_setup_table: return setup_table(v, uop, count);
    case GNTTABOP_query_size: return query_size(v, uop, count);
    case GNTTABOP_set_version: return set_version(v, uop);
    case GNTTABOP_get_version: return get_version(v, uop);
    case GNTTABOP_get_status_frames: return get_status_frames(v, uop, count);
    case GNTTABOP_map_grant_ref: // Xen copies the whole element back
        return batch<gnttab_map_grant_ref_t, 0, sizeof(gnttab_map_grant_ref_t)>(v, cmd, uop, count,
                                                                                  gnttab_map_grant_ref);
    case GNTTABOP_unmap_grant_ref:
        return batch<gnttab_unmap_grant_ref_t, offsetof(gnttab_unmap_grant_ref_t, status), sizeof(int16_t)>(
            v, cmd, uop, count, gnttab_unmap_grant_ref);
    case GNTTABOP_unmap_and_replace:
        return batch<gnttab_unmap_and_replace_t, offsetof(gnttab_unmap_and_replace_t, status), sizeof(int16_t)>(
            v, cmd, uop, count, gnttab_unmap_and_replace);
    case GNTTABOP_copy:
        return batch<gnttab_copy_t, offsetof(gnttab_copy_t, status), sizeof(int16_t)>(v, cmd, uop, count, gnttab_copy);
    case GNTTABOP_swap_grant_ref:
        return batch<gnttab_swap_grant_ref_t, offsetof(gnttab_swap_grant_ref_t, status), sizeof(int16_t)>(
            v, cmd, uop, count, gnttab_swap_grant_ref);
    default: return err(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
