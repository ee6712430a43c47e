// XENMEM_acquire_resource, as Xen 4.17's acquire_resource() and
// resource_max_frames() (xen/common/memory.c): the toolstack maps another
// domain's grant table through it (privcmd's IOCTL_PRIVCMD_MMAP_RESOURCE,
// libxl seeding a new domain's grant entries). The caller is the hardware
// domain, translated: frame_list holds its gfns on input, and each resource
// frame is mapped there as a foreign entry (Xen's set_foreign_p2m_entry()).
//
// Checks, in Xen's order: the caller (-EACCES), the struct (-EFAULT), pad
// (-EINVAL), frame and frame + nr_frames below 2^32 (-EINVAL), the domain
// (-ESRCH none, -EPERM the caller's own), XSM domain_resource_map (-EPERM),
// the resource's size (0: -EINVAL), then the size query (NULL frame_list)
// or the mapping in strides of 32 frames, preemptible between strides.
//
// Locking: none here; the grant table's lock (growth, frame lookup) and the
// p2m writer's are taken by what this calls, one at a time.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/mm/p2m.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {

constexpr uint32_t stride = 32; // Xen's mfn_list[32]: stack use and continuation granularity

// resource_max_frames(): the size of the resource, 0 for "none" (the
// caller's -EINVAL). Xen returns -EOPNOTSUPP through its unsigned result
// for an unknown type, so the size query answers 2^32 - 95 there and only
// the mapping says -EOPNOTSUPP; kept, since the toolstack sees the same.
uint32_t resource_max_frames(const Domain& d, unsigned type, uint32_t id) {
    switch (type) {
    case XENMEM_resource_grant_table:
        return gnttab_resource_max_frames(d, id);
    case XENMEM_resource_ioreq_server:
        // ioreq_server_max_frames() of an HVM (PVH) domain, as a Xen built
        // with CONFIG_IOREQ_SERVER (Debian's): the buffered page and one page
        // of ioreq_t per 128 vCPUs. cxen has no ioreq servers to map.
        return static_cast<uint32_t>(1 + (d.max_vcpus * sizeof(ioreq_t) + page_size - 1) / page_size);
    case XENMEM_resource_vmtrace_buf:
        return 0; // vmtrace_size: no processor trace buffers
    default:
        return static_cast<uint32_t>(-static_cast<int32_t>(Errno::XEN_EOPNOTSUPP));
    }
}

// _acquire_resource() for one stride: the frames' mfns and holders.
Status acquire_frames(Domain& d, const xen_mem_acquire_resource& x, uint32_t frame, uint32_t n, Mfn mfns[],
                      ForeignHolder holders[]) {
    switch (x.type) {
    case XENMEM_resource_grant_table:
        return gnttab_acquire_resource(d, x.id, frame, n, mfns, holders);
    case XENMEM_resource_ioreq_server:
        // acquire_ioreq_server(): the id is 16 bits; no server exists.
        return Err(x.id > UINT16_MAX ? Errno::XEN_EINVAL : Errno::XEN_ENOENT);
    default:
        return Err(Errno::XEN_EOPNOTSUPP); // vmtrace_buf never gets here (size 0)
    }
}

void drop(ForeignHolder holders[], uint32_t from, uint32_t n) {
    for (uint32_t i = from; i < n; ++i)
        if (holders[i].release) holders[i].release(holders[i].obj);
}

} // namespace

long xenmem_acquire_resource(Vcpu& cur, uint64_t start_extent, uint64_t arg) {
    Domain& cd = *cur.domain;
    // arch_acquire_resource_check(): a translated caller must be the hardware domain.
    if (!is_hardware_domain(cd)) return err(Errno::XEN_EACCES);
    xen_mem_acquire_resource x;
    if (!arch::copy_from_guest(cur, arg, x)) return err(Errno::XEN_EFAULT);
    if (x.pad != 0) return err(Errno::XEN_EINVAL);
    if ((x.frame >> 32) || ((x.frame + x.nr_frames) >> 32)) return err(Errno::XEN_EINVAL);
    DomainRef ref;
    if (auto st = domain_ref_remote_by_id(cd, x.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xsm_domain_resource_map(XSM_DM_PRIV, cd, d); !st) return err(st);
    const uint32_t max_frames = resource_max_frames(d, x.type, x.id);
    if (!max_frames) return err(Errno::XEN_EINVAL);

    uint64_t list = reinterpret_cast<uint64_t>(x.frame_list.p);
    if (!list) {
        // The size query: nr_frames 0 and no continuation, else -EINVAL.
        if (x.nr_frames || start_extent) return err(Errno::XEN_EINVAL);
        x.nr_frames = max_frames;
        return arch::copy_to_guest(cur, arg + offsetof(xen_mem_acquire_resource, nr_frames), x.nr_frames)
                   ? 0
                   : err(Errno::XEN_EFAULT);
    }
    if (start_extent >= x.nr_frames || x.nr_frames > (UINT32_MAX >> memop_extent_shift)) return err(Errno::XEN_EINVAL);
    // Skip what earlier continuations did.
    uint32_t left = x.nr_frames - static_cast<uint32_t>(start_extent);
    uint32_t frame = static_cast<uint32_t>(x.frame + start_extent);
    list += start_extent * sizeof(xen_pfn_t);
    do {
        const uint32_t todo = left < stride ? left : stride;
        Mfn mfns[stride];
        ForeignHolder holders[stride];
        {
            const Status st = acquire_frames(d, x, frame, todo, mfns, holders);
            if (!st) return err(st);
        }
        xen_pfn_t gfns[stride];
        for (uint32_t i = 0; i < todo; ++i) {
            if (!arch::copy_from_guest(cur, list + i * sizeof(xen_pfn_t), gfns[i])) {
                drop(holders, 0, todo);
                return err(Errno::XEN_EFAULT);
            }
        }
        for (uint32_t i = 0; i < todo; ++i) {
            // Each entry keeps its holder (or releases it on failure).
            const Status st = p2m_set_foreign_entry(cd, Gfn{gfns[i]}, mfns[i], holders[i]);
            if (!st) {
                drop(holders, i + 1, todo);
                // Frames mapped before: the caller must unmap them (-EIO, public/memory.h).
                return err(i ? Errno::XEN_EIO : st.error());
            }
        }
        left -= todo;
        frame += todo;
        list += todo * sizeof(xen_pfn_t);
        start_extent += todo;
        if (left && hypercall_preempt_check()) {
            hypercall_create_continuation(
                cur, 2, {{XENMEM_acquire_resource | (start_extent << memop_extent_shift), arg, 0, 0, 0}});
            return 0;
        }
    } while (left);
    return 0;
}

} // namespace cxen
