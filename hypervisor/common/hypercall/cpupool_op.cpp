// XEN_SYSCTL_cpupool_op with cxen's one pool (see cpupool_op.hpp).
#include "common/hypercall/cpupool_op.hpp"

#include "arch/host_cpu.hpp"
#include "common/host_info.hpp"
#include "common/hypercall/xenctl_bitmap.hpp"
#include "common/sched/sched.hpp"

namespace cxen {

namespace {
/// Pool 0's pCPUs (Xen's cpupool0->cpu_valid): every online one.
CpuMask cpupool0_cpus() {
    CpuMask m;
    for (unsigned c = 0; c < arch::host_cpus_present(); ++c)
        if (arch::host_cpu(c).online) m.set(c);
    return m;
}
} // namespace

Status cpupool_do_sysctl(Vcpu& cur, xen_sysctl_cpupool_op& op) {
    switch (op.op) {
    case XEN_SYSCTL_CPUPOOL_OP_INFO: // Xen's cpupool_get_next_by_id()
        if (op.cpupool_id > cpupool0_id) return Err(Errno::XEN_ENOENT);
        op.cpupool_id = cpupool0_id;
        op.sched_id = sched_policy().sched_id();
        op.n_dom = nr_domains();
        return cpumask_to_xenctl_bitmap(cur, op.cpumap, cpupool0_cpus());
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        return cpumask_to_xenctl_bitmap(cur, op.cpumap, CpuMask{});
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
        if (op.cpupool_id != cpupool0_id) return Err(Errno::XEN_ENOENT);
        return Err(Errno::XEN_EBUSY); // cpupool_destroy(): it has domains and pCPUs
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU: {
        if (op.cpupool_id != cpupool0_id) return Err(Errno::XEN_ENOENT);
        if (op.cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY) return Err(Errno::XEN_ENODEV); // no free pCPU
        if (op.cpu >= host_nr_cpu_ids()) return Err(Errno::XEN_EINVAL);
        return Err(Errno::XEN_ENODEV); // offline, or already in pool 0: not free
    }
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU: {
        if (op.cpupool_id != cpupool0_id) return Err(Errno::XEN_ENOENT);
        const CpuMask cpus = cpupool0_cpus();
        unsigned cpu = op.cpu;
        if (cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY) // cpumask_last()
            for (unsigned c = 0; c < CpuMask::nr_bits; ++c)
                if (cpus.test(c)) cpu = c;
        if (cpu >= host_nr_cpu_ids() || !cpus.test(cpu)) return Err(Errno::XEN_EINVAL);
        return Err(Errno::XEN_ENOSYS); // TODO(#15): pCPUs leaving the scheduler
    }
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN: {
        DomainRef d;
        TRY(domain_ref_remote_by_id(*cur.domain, static_cast<Domid>(op.domid), d));
        if (op.cpupool_id == cpupool0_id) return ok_status(); // already there
        return Err(Errno::XEN_ENOENT);
    }
    default: // CREATE included: TODO(#15)
        return Err(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
