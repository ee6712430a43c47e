#include "abi/xen/xen.hpp"
#include "common/hypercall/hypercall.hpp"

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

long do_hypercall(Vcpu& v, uint64_t nr, const HypercallArgs& args) {
    const Entry* e = find(nr);
    if (!e) return -static_cast<long>(Errno::XEN_ENOSYS);
    return e->handler(v, args);
}

} // namespace cxen
