// hvm_op from inside a PVH domU: which HVM params the guest may read and
// write in itself (Xen 4.17 hvm_allow_get_param/hvm_allow_set_param,
// arch/x86/hvm/hvm.c), the per-vCPU upcall vector, get_time and unknown
// sub-ops. Source: public/hvm/hvm_op.h, public/hvm/params.h.
#include "guest.hpp"

using namespace cxen::guest;

namespace {
long get_param(domid_t domid, uint32_t index, uint64_t& value) {
    xen_hvm_param_t p{};
    p.domid = domid;
    p.index = index;
    const long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);
    value = p.value;
    return rc;
}
long set_param(domid_t domid, uint32_t index, uint64_t value) {
    xen_hvm_param_t p{};
    p.domid = domid;
    p.index = index;
    p.value = value;
    return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}
long upcall_vector(uint32_t vcpu, uint8_t vector) {
    xen_hvm_evtchn_upcall_vector_t op{};
    op.vcpu = vcpu;
    op.vector = vector;
    return HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);
}
} // namespace

TEST_CASE("hvm.get_param_readable_ones") {
    SKIP_UNLESS_XEN();
    uint64_t v;
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, v));
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_STORE_PFN, v));
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, v));
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, v));
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, v));
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, v));
}

TEST_CASE("hvm.get_param_refusals") {
    SKIP_UNLESS_XEN();
    uint64_t v;
    CHECK_ERRNO(get_param(DOMID_SELF, HVM_PARAM_IDENT_PT, v), EPERM); // toolstack-only
    CHECK_ERRNO(get_param(DOMID_SELF, HVM_PARAM_HPET_ENABLED, v), EPERM);
    CHECK_ERRNO(get_param(DOMID_SELF, HVM_NR_PARAMS, v), EINVAL);
    CHECK_ERRNO(get_param(DOMID_SELF, 0xffffffffu, v), EINVAL);
    CHECK_ERRNO(get_param(DOMID_IO, HVM_PARAM_CALLBACK_IRQ, v), ESRCH);
    CHECK_ERRNO(HYPERVISOR_hvm_op(HVMOP_get_param, unmapped_pointer()), EFAULT);
}

TEST_CASE("hvm.set_param_callback_irq_round_trip") {
    SKIP_UNLESS_XEN();
    // Type 0 (GSI) with GSI 0: "no callback", harmless to set.
    REQUIRE_OK(set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 0));
    uint64_t v = 1;
    CHECK_OK(get_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, v));
    CHECK_EQ(v, 0u);
}

TEST_CASE("hvm.set_param_refusals") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(set_param(DOMID_SELF, HVM_PARAM_STORE_PFN, 0x1234), EPERM); // toolstack-only
    CHECK_ERRNO(set_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, 0x1234), EPERM);
    CHECK_ERRNO(set_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 3), EINVAL);
    CHECK_OK(set_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 8));
    CHECK_ERRNO(set_param(DOMID_SELF, HVM_NR_PARAMS, 0), EINVAL);
    CHECK_ERRNO(set_param(DOMID_IO, HVM_PARAM_CALLBACK_IRQ, 0), ESRCH);
    CHECK_ERRNO(HYPERVISOR_hvm_op(HVMOP_set_param, unmapped_pointer()), EFAULT);
}

TEST_CASE("hvm.set_evtchn_upcall_vector") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(upcall_vector(0, 0x0f), EINVAL); // vectors below 0x10 are exceptions
    CHECK_ERRNO(upcall_vector(2, 0xf3), ENOENT); // vcpus = 2
    CHECK_ERRNO(HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, unmapped_pointer()), EFAULT);
    // vCPU 1 never runs here, so nothing can be injected with it.
    CHECK_OK(upcall_vector(1, 0xf3));
}

TEST_CASE("hvm.other_sub_ops") {
    SKIP_UNLESS_XEN();
    xen_hvm_pagetable_dying_t dying{};
    dying.domid = DOMID_SELF;
    CHECK_ERRNO(HYPERVISOR_hvm_op(HVMOP_pagetable_dying, &dying), EINVAL); // only for shadow paging
    CHECK_ERRNO(HYPERVISOR_hvm_op(999, nullptr), ENOSYS);
}
