// hvm_op (public/hvm/hvm_op.h) for a PVH domU, as Xen 4.17's do_hvm_op()
// (xen/arch/x86/hvm/hvm.c): set/get_param with hvm_allow_set_param() /
// hvm_allow_get_param()'s lists of what a guest may touch in itself (the
// toolstack, XSM_TARGET, sets the rest: ring and console PFNs, IDENT_PT,
// TIMER_MODE...), set_evtchn_upcall_vector, get_time, and the
// pagetable_dying probe. Unknown sub-ops are -ENOSYS.
//
// Locking: d.hvm_params words are written only here, by the domain's own
// vCPUs or its controller, and read by the interrupt code without a lock (a
// 64-bit store is atomic on x86; a reader sees the old or the new value).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/console/printk.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {
static_assert(sizeof(Domain::hvm_params) / sizeof(uint64_t) == HVM_NR_PARAMS);

// rcu_lock_domain_by_any_id(): the domain named, with a reference.
Status named_domain(Vcpu& cur, domid_t domid, DomainRef& ref) {
    return domain_ref_by_any_id(*cur.domain, domid, ref);
}

// The deprecated indices (public/hvm/params.h defines them only for Xen
// and its tools): -EINVAL to set or get, before the privilege check.
bool deprecated_param(uint32_t index) {
    switch (index) {
    case 4:  // HVM_PARAM_PAE_ENABLED
    case 13: // HVM_PARAM_DM_DOMAIN
    case 20: case 21: case 22: case 23: // HVM_PARAM_MEMORY_EVENT_CR0, _CR3, _CR4, _INT3
    case 24: // HVM_PARAM_NESTEDHVM
    case 25: // HVM_PARAM_MEMORY_EVENT_SINGLE_STEP
    case 26: // HVM_PARAM_BUFIOREQ_EVTCHN
    case 30: // HVM_PARAM_MEMORY_EVENT_MSR
        return true;
    default:
        return false;
    }
}

// hvm_allow_set_param(): the XSM hook, the parameters a guest may set in
// itself (deprecated ones: -EINVAL), then the write-once ones.
Status allow_set_param(const Domain& cur, const Domain& d, uint32_t index, uint64_t value) {
    TRY(xsm_hvm_param(XSM_TARGET, cur, d));
    const bool self = &cur == &d;
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ: case HVM_PARAM_VM86_TSS: case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION: case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_EVTCHN: case HVM_PARAM_CONSOLE_EVTCHN: case HVM_PARAM_X87_FIP_WIDTH:
        break;
    default:
        if (deprecated_param(index)) return Err(Errno::XEN_EINVAL);
        if (self) return Err(Errno::XEN_EPERM);
    }
    switch (index) {
    case HVM_PARAM_VIRIDIAN: case HVM_PARAM_IOREQ_PFN: case HVM_PARAM_BUFIOREQ_PFN:
    case HVM_PARAM_IOREQ_SERVER_PFN: case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
    case HVM_PARAM_ALTP2M: case HVM_PARAM_MCA_CAP:
        if (d.hvm_params[index] != 0 && value != d.hvm_params[index]) return Err(Errno::XEN_EEXIST);
        break;
    default:
        break;
    }
    return ok_status();
}

// hvm_allow_get_param(): the XSM hook, then what a guest may read of itself.
Status allow_get_param(const Domain& cur, const Domain& d, uint32_t index) {
    TRY(xsm_hvm_param(XSM_TARGET, cur, d));
    const bool self = &cur == &d;
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ: case HVM_PARAM_VM86_TSS: case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION: case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_PFN: case HVM_PARAM_STORE_EVTCHN: case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN: case HVM_PARAM_ALTP2M: case HVM_PARAM_X87_FIP_WIDTH:
        return ok_status();
    default:
        if (deprecated_param(index)) return Err(Errno::XEN_EINVAL);
        return self ? Status(Err(Errno::XEN_EPERM)) : ok_status();
    }
}

long set_param(Vcpu& cur, uint64_t arg) {
    xen_hvm_param a;
    if (!arch::copy_from_guest(cur, arg, a)) return err(Errno::XEN_EFAULT);
    if (a.index >= HVM_NR_PARAMS) return err(Errno::XEN_EINVAL); // before the lookup, as Xen
    DomainRef ref;
    if (auto st = named_domain(cur, a.domid, ref); !st) return err(st.error());
    Domain& d = *ref.get();
    if (auto st = allow_set_param(*cur.domain, d, a.index, a.value); !st) return err(st.error());
    switch (a.index) {
    case HVM_PARAM_CALLBACK_IRQ:
        // hvm_set_callback_via(): the type is bits 63:56; a PVH domain has
        // no GSIs or PCI INTx, so only HVM_PARAM_CALLBACK_TYPE_VECTOR
        // delivers anything. Recorded here; the interrupt code reads it.
        if ((a.value >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR)
            guest_log(d, LogLevel::info, "d%u: callback via vector %#lx\n", d.domid, a.value & 0xff);
        break;
    case HVM_PARAM_X87_FIP_WIDTH:
        if (a.value != 0 && a.value != 4 && a.value != 8) return err(Errno::XEN_EINVAL);
        break;
    case HVM_PARAM_VM86_TSS:
        if (a.value != static_cast<uint32_t>(a.value)) return err(Errno::XEN_EINVAL); // hardware would truncate
        break;
    case HVM_PARAM_VM86_TSS_SIZED:
        if ((a.value >> 32) < 104) return err(Errno::XEN_EINVAL); // sizeof(struct tss32)
        break;
    case HVM_PARAM_TIMER_MODE:
        // Stored for the toolstack to read back; cxen has no emulated
        // periodic timers (PIT, RTC, HPET) for the mode to govern.
        if (a.value > HVMPTM_one_missed_tick_pending) return err(Errno::XEN_EINVAL);
        break;
    case HVM_PARAM_VIRIDIAN:
        if ((a.value & ~uint64_t{HVMPV_feature_mask}) || !(a.value & HVMPV_base_freq)) return err(Errno::XEN_EINVAL);
        break;
    case HVM_PARAM_ALTP2M:
        // Xen takes 1-3 when its altp2m option is on; cxen has no
        // alternate p2m views, so only "disabled" (libxl's 0) is honest.
        // Xen's xsm_hvm_param_altp2mhvm (XSM_PRIV) would only differ for a
        // device model, which cxen does not have yet (set_target).
        if (a.value != XEN_ALTP2M_disabled) return err(Errno::XEN_EINVAL);
        break;
    case HVM_PARAM_TRIPLE_FAULT_REASON:
        if (a.value > SHUTDOWN_MAX) return err(Errno::XEN_EINVAL);
        break;
    case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
        if (a.value == 0 || a.value > 64) return err(Errno::XEN_EINVAL); // bits of Xen's ioreq_gfn.mask
        break;
    case HVM_PARAM_MCA_CAP:
        // vmce_enable_mca_cap(): LMCE is the only capability, and without
        // LMCE support (cxen's vCPUs have no vMCE) Xen refuses it too.
        if (a.value) return err(Errno::XEN_EINVAL);
        break;
    case HVM_PARAM_ACPI_S_STATE:
        // hvm_s3_suspend()/resume(): cxen has no S3 for guests; 0 (awake)
        // is what the domain already is.
        if (a.value != 0) return err(a.value == 3 ? Errno::XEN_EOPNOTSUPP : Errno::XEN_EINVAL);
        return 0;
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
        return err(Errno::XEN_ENODEV); // pmtimer_change_ioport(): no emulated PM timer
    default:
        break;
    }
    d.hvm_params[a.index] = a.value;
    if (a.index == HVM_PARAM_CALLBACK_IRQ) // re-evaluate pending upcalls with the new route
        for (unsigned i = 0; i < d.max_vcpus; ++i)
            if (Vcpu* v = d.vcpus[i]; v && v->vcpu_info && v->vcpu_info->evtchn_upcall_pending)
                arch::vcpu_pend_upcall(*v);
    return 0;
}

long get_param(Vcpu& cur, uint64_t arg) {
    xen_hvm_param a;
    if (!arch::copy_from_guest(cur, arg, a)) return err(Errno::XEN_EFAULT);
    if (a.index >= HVM_NR_PARAMS) return err(Errno::XEN_EINVAL); // before the lookup, as Xen
    DomainRef ref;
    if (auto st = named_domain(cur, a.domid, ref); !st) return err(st.error());
    const Domain& d = *ref.get();
    if (auto st = allow_get_param(*cur.domain, d, a.index); !st) return err(st.error());
    switch (a.index) {
    case HVM_PARAM_VM86_TSS: a.value = static_cast<uint32_t>(d.hvm_params[HVM_PARAM_VM86_TSS_SIZED]); break;
    case HVM_PARAM_ACPI_S_STATE: a.value = 0; break; // never S3-suspended
    default: a.value = d.hvm_params[a.index]; break;
    }
    return arch::copy_to_guest(cur, arg, a) ? 0 : err(Errno::XEN_EFAULT);
}

long set_evtchn_upcall_vector(Vcpu& cur, uint64_t arg) {
    xen_hvm_evtchn_upcall_vector op;
    if (!arch::copy_from_guest(cur, arg, op)) return err(Errno::XEN_EFAULT);
    if (op.vector < 0x10) return err(Errno::XEN_EINVAL);
    Domain& d = *cur.domain;
    if (op.vcpu >= d.max_vcpus || !d.vcpus[op.vcpu]) return err(Errno::XEN_ENOENT);
    Vcpu& v = *d.vcpus[op.vcpu];
    guest_log(d, LogLevel::info, "d%uv%u: upcall vector %02x\n", d.domid, v.vcpu_id, op.vector);
    v.upcall_vector = op.vector;
    if (v.vcpu_info && v.vcpu_info->evtchn_upcall_pending) arch::vcpu_pend_upcall(v); // hvm_assert_evtchn_irq()
    return 0;
}
} // namespace

long do_hvm_op(Vcpu& cur, const HypercallArgs& args) {
    const uint64_t op = args.a[0], arg = args.a[1];
    switch (op) {
    case HVMOP_set_param:
        return set_param(cur, arg);
    case HVMOP_get_param:
        return get_param(cur, arg);
    case HVMOP_set_evtchn_upcall_vector:
        return set_evtchn_upcall_vector(cur, arg);
    case HVMOP_get_time: {
        xen_hvm_get_time gxt{};
        gxt.now = arch::now_ns();
        return arch::copy_to_guest(cur, arg, gxt) ? 0 : err(Errno::XEN_EFAULT);
    }
    case HVMOP_pagetable_dying: {
        // Only shadow-paged guests use it; with nested paging Xen says -EINVAL.
        xen_hvm_pagetable_dying a;
        if (!arch::copy_from_guest(cur, arg, a)) return err(Errno::XEN_EFAULT);
        // Another domain's is -EOPNOTSUPP; the hook is asked only for a
        // shadow-paged one, so never here.
        DomainRef ref;
        if (auto st = named_domain(cur, a.domid, ref); !st) return err(st.error());
        return err(ref.get() != cur.domain ? Errno::XEN_EOPNOTSUPP : Errno::XEN_EINVAL);
    }
    default:
        return err(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
