// HVM save records (XEN_DOMCTL_gethvmcontext / sethvmcontext): the
// descriptor, HEADER, CPU, MTRR and END. Source: Xen public/hvm/save.h and
// public/arch-x86/hvm/save.h (Debian's libxen-dev, Xen 4.17). Typecodes
// and lengths come from the header's DECLARE_HVM_SAVE_TYPE macros.
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/xen/xen.hpp"

#include <xen/hvm/save.h>

namespace cxen::xen_abi {
static_assert(sizeof(hvm_save_descriptor) == 8);
// END's record is empty: length 0 on the wire, though C++ gives the empty
// struct hvm_save_end a size of 1 (so never write sizeof(hvm_save_end)).
static_assert(HVM_SAVE_CODE(END) == 0);
static_assert(HVM_SAVE_CODE(HEADER) == 1 && sizeof(hvm_save_header) == 24);
static_assert(HVM_SAVE_CODE(CPU) == 2 && sizeof(hvm_hw_cpu) == 1032);
static_assert(offsetof(hvm_hw_cpu, rax) == 512);
static_assert(offsetof(hvm_hw_cpu, rip) == 640);
static_assert(offsetof(hvm_hw_cpu, cr0) == 656);
static_assert(offsetof(hvm_hw_cpu, cs_sel) == 736);
static_assert(offsetof(hvm_hw_cpu, cs_base) == 808);
static_assert(offsetof(hvm_hw_cpu, cs_arbytes) == 888);
static_assert(offsetof(hvm_hw_cpu, shadow_gs) == 944);
static_assert(offsetof(hvm_hw_cpu, msr_efer) == 992);
static_assert(offsetof(hvm_hw_cpu, pending_event) == 1016);
static_assert(offsetof(hvm_hw_cpu, flags) == 1024);
static_assert(HVM_SAVE_CODE(MTRR) == 14 && sizeof(hvm_hw_mtrr) == 240);
static_assert(offsetof(hvm_hw_mtrr, msr_mtrr_cap) == 224);
static_assert(HVM_SAVE_CODE_MAX == 20);
} // namespace cxen::xen_abi
