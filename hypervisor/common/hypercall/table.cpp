#include "abi/xen/xen.hpp"
#include "common/hypercall/hypercall.hpp"

#include "arch/cpu.hpp"
#include "common/softirq.hpp"

namespace cxen {

namespace {
using Handler = long (*)(Vcpu&, const HypercallArgs&);
struct Entry {
    uint64_t nr;
    const char* name;
    Handler handler;
};
constexpr Entry table[] = {
    {__HYPERVISOR_xen_version, "xen_version", do_xen_version},
    {__HYPERVISOR_console_io, "console_io", do_console_io},
    {__HYPERVISOR_sched_op, "sched_op", do_sched_op},
    {__HYPERVISOR_memory_op, "memory_op", do_memory_op},
    {__HYPERVISOR_multicall, "multicall", do_multicall},
    {__HYPERVISOR_vcpu_op, "vcpu_op", do_vcpu_op},
    {__HYPERVISOR_hvm_op, "hvm_op", do_hvm_op},
    {__HYPERVISOR_event_channel_op, "event_channel_op", do_event_channel_op},
    {__HYPERVISOR_grant_table_op, "grant_table_op", do_grant_table_op},
    {__HYPERVISOR_physdev_op, "physdev_op", do_physdev_op},
    {__HYPERVISOR_vm_assist, "vm_assist", do_vm_assist},
    {__HYPERVISOR_set_timer_op, "set_timer_op", do_set_timer_op},
    {__HYPERVISOR_sysctl, "sysctl", do_sysctl},
    {__HYPERVISOR_domctl, "domctl", do_domctl},
    {__HYPERVISOR_platform_op, "platform_op", do_platform_op},
    {__HYPERVISOR_xsm_op, "xsm_op", do_xsm_op},
};
const Entry* find(uint64_t nr) {
    for (const Entry& e : table)
        if (e.nr == nr) return &e;
    return nullptr;
}
} // namespace

const char* hypercall_name(uint64_t nr) {
    const Entry* e = find(nr);
    return e ? e->name : nullptr;
}

bool hypercall_preempt_check() { return softirq_pending(arch::smp_processor_id()); }

void hypercall_create_continuation(Vcpu& v, unsigned nargs, const HypercallArgs& args) {
    for (unsigned i = 0; i < 5; ++i) v.continuation_args[i] = args.a[i];
    v.continuation_nargs = nargs < 5 ? nargs : 5;
    v.hypercall_continues = true;
}

long do_hypercall(Vcpu& v, uint64_t nr, const HypercallArgs& args) {
    const Entry* e = find(nr);
    if (!e) return -static_cast<long>(Errno::XEN_ENOSYS);
    return e->handler(v, args);
}

} // namespace cxen
