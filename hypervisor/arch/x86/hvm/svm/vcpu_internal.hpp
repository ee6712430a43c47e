// Internal to the SVM backend (svm/vcpu.cpp, svm/exit.cpp): the VMCB
// helpers the exit handlers share with the function table.
#pragma once

#include <cstdint>

#include "arch/vcpu.hpp"
#include "arch/x86/hvm/hvm_ops.hpp"
#include "arch/x86/hvm/svm/vmcb.hpp"
#include "common/domain.hpp"

namespace cxen::svm {

using arch::hvm::Exit;

/// Complete an intercepted instruction of `len` bytes (no NRIP save under
/// QEMU: the handler knows the length) and end any interrupt shadow.
inline void advance(Vmcb& vm, unsigned len) {
    vm.rip += len;
    vm.interrupt_shadow &= ~1ull;
}
inline void inject_exception(Vmcb& vm, uint8_t vector) { vm.eventinj = make_event(vector, event_exception); }

// ---- vcpu.cpp ----
/// Stop asking for a #VMEXIT(VINTR) (V_IRQ off, the intercept off).
void close_interrupt_window(Vmcb& vm);
/// Load v's DR0-3 into this pCPU and stop intercepting DR accesses.
void load_debug_registers(Vcpu& v);

// ---- save.cpp: hvm_funcs.save_cpu_ctxt / load_cpu_ctxt ----
void save_cpu_ctxt(const Vcpu& v, ::hvm_hw_cpu& c);
void load_cpu_ctxt(Vcpu& v, const ::hvm_hw_cpu& c);
// ---- exit.cpp ----
/// Dispatch the #VMEXIT in vm.exitcode from the exit table.
Exit handle_exit(Vcpu& v, Vmcb& vm);

} // namespace cxen::svm
