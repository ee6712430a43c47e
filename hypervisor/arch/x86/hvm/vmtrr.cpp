#include "arch/x86/hvm/vmtrr.hpp"

namespace cxen::arch {

namespace {
constexpr bool valid_type(uint64_t t) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; }

int fixed_index(uint32_t msr) {
    if (msr == msr_mtrr_fix64k_00000) return 0;
    if (msr == msr_mtrr_fix16k_80000) return 1;
    if (msr == msr_mtrr_fix16k_a0000) return 2;
    if (msr >= msr_mtrr_fix4k_c0000 && msr <= msr_mtrr_fix4k_c0000 + 7) return 3 + static_cast<int>(msr - msr_mtrr_fix4k_c0000);
    return -1;
}

bool is_var(uint32_t msr) { return msr >= msr_mtrr_phys_first && msr < msr_mtrr_phys_first + 2 * vmtrr_var_ranges; }
} // namespace

bool Vmtrr::handles(uint32_t msr) {
    return msr == msr_mtrr_cap || msr == msr_mtrr_def_type || is_var(msr) || fixed_index(msr) >= 0;
}

bool Vmtrr::read(uint32_t msr, uint64_t& out) const {
    if (msr == msr_mtrr_cap) out = vmtrr_cap_value;
    else if (msr == msr_mtrr_def_type) out = def_type;
    else if (is_var(msr)) out = var[msr - msr_mtrr_phys_first];
    else if (const int i = fixed_index(msr); i >= 0) out = fixed[i];
    else return false;
    return true;
}

bool Vmtrr::write(uint32_t msr, uint64_t value, unsigned phys_bits) {
    const uint64_t addr_mask = (phys_bits >= 64 ? ~0ull : (1ull << phys_bits) - 1) & ~0xfffull;
    if (msr == msr_mtrr_def_type) {
        // Type in bits 7:0, FE bit 10, E bit 11; the rest is reserved.
        if ((value & ~0xcffull) || !valid_type(value & 0xff)) return false;
        def_type = value;
    } else if (is_var(msr)) {
        const bool is_mask = (msr - msr_mtrr_phys_first) & 1;
        // PhysBase: type 7:0, base 51:12; PhysMask: valid bit 11, mask 51:12.
        const uint64_t allowed = addr_mask | (is_mask ? 0x800ull : 0xffull);
        if (value & ~allowed) return false;
        if (!is_mask && !valid_type(value & 0xff)) return false;
        var[msr - msr_mtrr_phys_first] = value;
    } else if (const int i = fixed_index(msr); i >= 0) {
        for (unsigned b = 0; b < 8; ++b)
            if (!valid_type((value >> (8 * b)) & 0xff)) return false;
        fixed[i] = value;
    } else {
        return false; // MTRRcap is read-only; anything else is not ours
    }
    return true;
}

} // namespace cxen::arch
