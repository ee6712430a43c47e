// Choosing the HVM backend at boot (Xen's hvm_enable()): the vendor the CPU
// supports fills hvm_funcs once; hvm/ calls only through it.
#include "arch/x86/hvm/hvm_ops.hpp"

#include "arch/x86/hvm/svm/svm.hpp"

namespace cxen::arch::hvm {

HvmFunctionTable hvm_funcs;

namespace {
bool enabled = false;
} // namespace

Status hvm_enable() {
    // Only SVM today; a VMX backend's start_vmx() would be tried first on
    // Intel parts, as Xen does.
    const HvmFunctionTable* fns = TRY(svm::start_svm());
    hvm_funcs = *fns;
    enabled = true;
    return ok_status();
}

Status hvm_cpu_up() { return enabled ? hvm_funcs.cpu_up() : Err(Errno::XEN_ENODEV); }

bool hvm_enabled() { return enabled; }

} // namespace cxen::arch::hvm
