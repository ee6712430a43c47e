// Host fake of arch/cpu_policy.hpp (see tests/unit/fakes/arch/cpu_policy.hpp).
#include "arch/cpu_policy.hpp"

namespace cxen::arch {

namespace {
cpu_policy::CpuPolicy host, hvm_max;
bool ready = false;
} // namespace

void fake_reset_system_policies() {
    host = {};
    host.basic[0] = {0xd, 0x68747541, 0x444d4163, 0x69746e65}; // "AuthenticAMD"
    host.basic[1] = {0x00a50f00, 0x00010800, 0xfed83203, 0x178bfbff};
    host.feat[0] = {0, 0x219c91a9, 0x00000004, 0};
    host.xstate[0] = {0x7, 0x340, 0x340, 0};
    host.xstate[1] = {0x1, 0, 0, 0};
    host.xstate[2] = {0x100, 0x240, 0, 0};
    host.extd[0] = {0x80000008, 0, 0, 0};
    host.extd[1] = {0x00a50f00, 0, 0x75c237ff, 0x2fd3fbff}; // SVM is ecx bit 2
    host.extd[8] = {0x3030, 0x1000, 0, 0};
    hvm_max = host;
    hvm_max.extd[1].c &= ~(1u << 2);
    ready = true;
}

cpu_policy::CpuPolicy& fake_system_policy(SystemPolicy which) {
    if (!ready) fake_reset_system_policies();
    return which == SystemPolicy::host ? host : hvm_max;
}

const cpu_policy::CpuPolicy& system_cpu_policy(SystemPolicy which) { return fake_system_policy(which); }

} // namespace cxen::arch
