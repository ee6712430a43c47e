// Host fake of the HVM save/restore core (arch/hvm_save.hpp): a save is
// HEADER, one MTRR record per vCPU (reset values) and END, written through
// the real record writer; a load walks the records with the real reader
// and counts them. Enough to prove the domctl side (common/hypercall/
// domctl_hvmcontext.cpp): sizes, buffers, errors.
#pragma once

#include <cstdint>

#include "arch/x86/hvm/save_format.hpp"
#include "lib/base/result.hpp"

namespace cxen {
struct Domain;
}

namespace cxen::arch {
using hvm::SaveIo;
uint32_t hvm_save_size(const Domain& d);
[[nodiscard]] Result<uint32_t> hvm_save(Domain& d, SaveIo out, uint32_t capacity);
[[nodiscard]] Status hvm_load(Domain& d, SaveIo in, uint32_t size);
[[nodiscard]] Result<uint32_t> hvm_save_one(Domain& d, uint32_t typecode, uint32_t instance, void* body,
                                            uint32_t capacity);
/// Records (between HEADER and END) the last successful fake load read.
inline thread_local unsigned fake_hvm_records_loaded = 0;
} // namespace cxen::arch
