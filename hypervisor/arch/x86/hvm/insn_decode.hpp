// A minimal x86 instruction decoder for the instructions cxen completes
// itself after an intercept: QEMU's SVM has no decode assists (no
// instruction bytes in the VMCB, no GPR number in EXITINFO1 for CR writes)
// and no NRIP save, so the hypervisor fetches the bytes at the guest's RIP
// and needs their length and operands. Covered:
//  - the MOV family on a memory operand, for accesses to guest-physical
//    addresses no RAM backs (Xen completes them with its null handler):
//    MOV r/m<->r (88, 89, 8A, 8B), MOV r/m,imm (C6 /0, C7 /0), MOV moffs
//    (A0-A3), MOVZX/MOVSX (0F B6/B7/BE/BF), MOVSXD (63) and BT r/m,r /
//    BT r/m,imm8 (0F A3, 0F BA /4), a read whose only result is CF;
//  - the control-register writes cxen intercepts: MOV to CRn (0F 22),
//    CLTS (0F 06), LMSW (0F 01 /6).
// Anything else decodes as `unsupported`; the caller then does what Xen
// does with an instruction its emulator cannot complete (#GP, or #UD for
// an invalid encoding). Source: AMD APM Vol. 3 (opcode maps, ModRM/SIB,
// prefixes), Intel SDM Vol. 2, chapter 2.
//
// Pure function of the bytes and the CPU mode: no guest access, no state
// (host-tested in tests/unit/arch/x86/hvm/insn_decode_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen::arch {

/// Default operand and address size of the code segment (CS.L, CS.D).
enum class CpuMode : uint8_t { real16, prot16, prot32, long64 };

enum class InsnOp : uint8_t {
    unsupported, ///< not an instruction this decoder handles (or truncated)
    invalid,     ///< an encoding the CPU itself rejects with #UD (e.g. LOCK MOV)
    load,        ///< register <- memory (MOV, MOVZX, MOVSX, MOVSXD)
    store,       ///< memory <- register or immediate (MOV)
    bit_test,    ///< BT: CF <- bit of memory, nothing written
    mov_to_cr,   ///< MOV CRn, r64/r32 (cr = CR number, rm = GPR)
    clts,        ///< CR0.TS <- 0
    lmsw,        ///< CR0[3:0] <- source (register rm or memory), PE not cleared
};

/// Where a ModRM memory operand points: segment base not included.
struct MemOperand {
    bool rip_relative = false;
    int8_t base = -1;  ///< GPR number, -1 none
    int8_t index = -1; ///< GPR number, -1 none
    uint8_t scale = 1;
    int64_t disp = 0;
    uint8_t addr_size = 8; ///< 2, 4 or 8 bytes: wrap the sum to this width
    int8_t segment = -1;   ///< override prefix: 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS; -1 default
};

struct Insn {
    InsnOp op = InsnOp::unsupported;
    uint8_t len = 0;        ///< bytes, prefixes included
    uint8_t mem_size = 0;   ///< load/store/bit_test: bytes accessed (1, 2, 4, 8)
    uint8_t reg_size = 0;   ///< load: destination register width; store: source width
    bool sign_extend = false; ///< load: MOVSX/MOVSXD (otherwise zero-extend to reg_size)
    uint8_t reg = 0;        ///< GPR number of the register operand (ModRM.reg + REX.R)
    bool reg_high8 = false; ///< byte register AH/CH/DH/BH (no REX, reg 4-7)
    bool has_imm = false;   ///< store: source is `imm`, not `reg`
    uint64_t imm = 0;
    uint8_t cr = 0;         ///< mov_to_cr: CR number
    bool rm_is_reg = false; ///< ModRM.mod == 3 (mov_to_cr and register LMSW)
    uint8_t rm = 0;         ///< GPR number when rm_is_reg
    MemOperand mem;         ///< the memory operand when !rm_is_reg
};

/// Longest x86 instruction.
constexpr size_t insn_max_len = 15;

/// Decode the instruction at bytes[0..avail) in `mode`. avail may be less
/// than insn_max_len when the fetch stopped at an unreadable page: an
/// instruction that runs past it decodes as unsupported.
Insn decode_insn(const uint8_t* bytes, size_t avail, CpuMode mode);

/// Effective address of `m` (no segment base): base + index * scale + disp,
/// RIP-relative from `next_rip` (the address after the instruction),
/// wrapped to the address size. `gpr(n)` returns GPR n.
template <typename Gpr> uint64_t effective_address(const MemOperand& m, uint64_t next_rip, Gpr&& gpr) {
    uint64_t ea = static_cast<uint64_t>(m.disp);
    if (m.rip_relative) ea += next_rip;
    if (m.base >= 0) ea += gpr(static_cast<unsigned>(m.base));
    if (m.index >= 0) ea += gpr(static_cast<unsigned>(m.index)) * m.scale;
    if (m.addr_size == 4) ea &= 0xffffffffull;
    if (m.addr_size == 2) ea &= 0xffffull;
    return ea;
}

} // namespace cxen::arch
