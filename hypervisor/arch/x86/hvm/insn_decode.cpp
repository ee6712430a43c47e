// The instruction decoder of insn_decode.hpp.
#include "arch/x86/hvm/insn_decode.hpp"

namespace cxen::arch {

namespace {

struct Cursor {
    const uint8_t* p;
    size_t avail;
    size_t pos = 0;
    bool ok = true;

    uint8_t peek() const { return pos < avail ? p[pos] : 0; }
    uint64_t take(unsigned n) { // little-endian immediate or displacement
        if (pos + n > avail || pos + n > insn_max_len) {
            ok = false;
            return 0;
        }
        uint64_t v = 0;
        for (unsigned i = 0; i < n; ++i) v |= uint64_t{p[pos + i]} << (8 * i);
        pos += n;
        return v;
    }
};

int64_t sext(uint64_t v, unsigned bytes) {
    const unsigned shift = 64 - 8 * bytes;
    return static_cast<int64_t>(v << shift) >> shift;
}

/// ModRM (and SIB, displacement) at the cursor. Fills rm_is_reg/rm/mem and
/// returns ModRM.reg (without REX.R); false when the operand needs 16-bit
/// addressing (not supported) or runs past the bytes.
bool decode_modrm(Cursor& c, uint8_t rex, unsigned addr_size, int8_t segment, Insn& insn, uint8_t& reg) {
    const uint8_t modrm = static_cast<uint8_t>(c.take(1));
    if (!c.ok) return false;
    const unsigned mod = modrm >> 6, rm = modrm & 7;
    reg = (modrm >> 3) & 7;
    if (mod == 3) {
        insn.rm_is_reg = true;
        insn.rm = static_cast<uint8_t>(rm | ((rex & 1) << 3));
        return true;
    }
    if (addr_size == 2) return false;
    MemOperand& m = insn.mem;
    m.addr_size = static_cast<uint8_t>(addr_size);
    m.segment = segment;
    unsigned base = rm;
    if (rm == 4) { // SIB
        const uint8_t sib = static_cast<uint8_t>(c.take(1));
        if (!c.ok) return false;
        const unsigned index = ((sib >> 3) & 7) | ((rex & 2) << 2);
        if (index != 4) {
            m.index = static_cast<int8_t>(index);
            m.scale = static_cast<uint8_t>(1u << (sib >> 6));
        }
        base = sib & 7;
        if (base == 5 && mod == 0) {
            m.disp = sext(c.take(4), 4);
            return c.ok;
        }
    } else if (rm == 5 && mod == 0) { // disp32, RIP-relative in 64-bit mode
        m.rip_relative = addr_size == 8;
        m.disp = sext(c.take(4), 4);
        return c.ok;
    }
    m.base = static_cast<int8_t>(base | ((rex & 1) << 3));
    if (mod == 1) m.disp = sext(c.take(1), 1);
    if (mod == 2) m.disp = sext(c.take(4), 4);
    return c.ok;
}

} // namespace

Insn decode_insn(const uint8_t* bytes, size_t avail, CpuMode mode) {
    Insn insn;
    Cursor c{bytes, avail};
    const bool long64 = mode == CpuMode::long64;
    const bool default16 = mode == CpuMode::real16 || mode == CpuMode::prot16;
    bool opsize = false, addrsize = false, lock = false;
    int8_t segment = -1;
    // Legacy prefixes, in any order (the CPU limits only the total length).
    for (;;) {
        const uint8_t b = c.peek();
        if (c.pos >= avail) return insn;
        if (b == 0x66) opsize = true;
        else if (b == 0x67) addrsize = true;
        else if (b == 0xf0) lock = true;
        else if (b == 0xf2 || b == 0xf3) {} // REP: no effect on the instructions decoded here
        else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) segment = static_cast<int8_t>((b >> 3) & 3);
        else if (b == 0x64 || b == 0x65) segment = static_cast<int8_t>(b - 0x60);
        else break;
        if (++c.pos >= insn_max_len) return insn;
    }
    uint8_t rex = 0;
    if (long64 && (c.peek() & 0xf0) == 0x40) {
        rex = c.peek();
        ++c.pos;
    }
    if (long64 && segment >= 0 && segment < 4) segment = -1; // ES/CS/SS/DS overrides are ignored
    const bool rex_w = rex & 8;
    const unsigned op_size = rex_w ? 8 : (opsize != default16) ? 2 : 4;
    const unsigned addr_size = long64 ? (addrsize ? 4 : 8) : (addrsize != default16) ? 2 : 4;

    uint8_t opcode = static_cast<uint8_t>(c.take(1));
    if (!c.ok) return insn;
    uint8_t reg = 0;
    const auto finish = [&](InsnOp op) {
        if (!c.ok) return Insn{};
        insn.op = lock ? InsnOp::invalid : op;
        insn.len = static_cast<uint8_t>(c.pos);
        return insn;
    };
    const auto set_reg = [&](unsigned size) {
        insn.reg = static_cast<uint8_t>(reg | ((rex & 4) << 1));
        insn.reg_high8 = size == 1 && !rex && reg >= 4;
        if (insn.reg_high8) insn.reg = static_cast<uint8_t>(reg - 4);
    };

    if (opcode != 0x0f) {
        switch (opcode) {
        case 0x88: case 0x89: case 0x8a: case 0x8b: { // MOV r/m,r and r,r/m
            const unsigned size = (opcode & 1) ? op_size : 1;
            if (!decode_modrm(c, rex, addr_size, segment, insn, reg) || insn.rm_is_reg) return Insn{};
            set_reg(size);
            insn.mem_size = insn.reg_size = static_cast<uint8_t>(size);
            return finish(opcode & 2 ? InsnOp::load : InsnOp::store);
        }
        case 0x63: // MOVSXD r64, r/m32 (ARPL outside long mode)
            if (!long64 || !decode_modrm(c, rex, addr_size, segment, insn, reg) || insn.rm_is_reg) return Insn{};
            set_reg(op_size);
            insn.reg_size = static_cast<uint8_t>(op_size);
            insn.mem_size = static_cast<uint8_t>(op_size == 8 ? 4 : op_size);
            insn.sign_extend = true;
            return finish(InsnOp::load);
        case 0xc6: case 0xc7: { // MOV r/m, imm (imm32 sign-extended for 64-bit)
            const unsigned size = opcode == 0xc6 ? 1 : op_size;
            if (!decode_modrm(c, rex, addr_size, segment, insn, reg) || insn.rm_is_reg || reg != 0) return Insn{};
            const unsigned imm_bytes = size == 8 ? 4 : size;
            insn.imm = static_cast<uint64_t>(sext(c.take(imm_bytes), imm_bytes));
            insn.has_imm = true;
            insn.mem_size = insn.reg_size = static_cast<uint8_t>(size);
            return finish(InsnOp::store);
        }
        case 0xa0: case 0xa1: case 0xa2: case 0xa3: { // MOV AL/rAX <-> moffs
            const unsigned size = (opcode & 1) ? op_size : 1;
            insn.mem.addr_size = static_cast<uint8_t>(addr_size);
            insn.mem.segment = segment;
            insn.mem.disp = static_cast<int64_t>(c.take(addr_size));
            insn.reg = 0;
            insn.mem_size = insn.reg_size = static_cast<uint8_t>(size);
            return finish(opcode & 2 ? InsnOp::store : InsnOp::load);
        }
        default: return Insn{};
        }
    }

    opcode = static_cast<uint8_t>(c.take(1));
    if (!c.ok) return Insn{};
    switch (opcode) {
    case 0x06: return finish(InsnOp::clts);
    case 0x01: { // group 7: only LMSW (/6)
        const size_t at = c.pos;
        if (at >= avail || ((bytes[at] >> 3) & 7) != 6) return Insn{};
        if (!decode_modrm(c, rex, addr_size, segment, insn, reg)) return Insn{};
        insn.mem_size = 2;
        return finish(InsnOp::lmsw);
    }
    case 0x22: { // MOV CRn, r: ModRM.mod is ignored, the operand is always a register
        const uint8_t modrm = static_cast<uint8_t>(c.take(1));
        if (!c.ok) return Insn{};
        insn.cr = static_cast<uint8_t>(((modrm >> 3) & 7) | ((rex & 4) << 1));
        insn.rm_is_reg = true;
        insn.rm = static_cast<uint8_t>((modrm & 7) | ((rex & 1) << 3));
        insn.reg_size = long64 ? 8 : 4;
        return finish(InsnOp::mov_to_cr);
    }
    case 0xb6: case 0xb7: case 0xbe: case 0xbf: { // MOVZX / MOVSX
        if (!decode_modrm(c, rex, addr_size, segment, insn, reg) || insn.rm_is_reg) return Insn{};
        set_reg(op_size);
        insn.reg_high8 = false;
        insn.reg = static_cast<uint8_t>(reg | ((rex & 4) << 1));
        insn.reg_size = static_cast<uint8_t>(op_size);
        insn.mem_size = (opcode & 1) ? 2 : 1;
        insn.sign_extend = opcode & 8;
        return finish(InsnOp::load);
    }
    case 0xa3: // BT r/m, r
        if (!decode_modrm(c, rex, addr_size, segment, insn, reg) || insn.rm_is_reg) return Insn{};
        set_reg(op_size);
        insn.mem_size = insn.reg_size = static_cast<uint8_t>(op_size);
        return finish(InsnOp::bit_test);
    case 0xba: { // group 8: only BT r/m, imm8 (/4)
        const size_t at = c.pos;
        if (at >= avail || ((bytes[at] >> 3) & 7) != 4) return Insn{};
        if (!decode_modrm(c, rex, addr_size, segment, insn, reg) || insn.rm_is_reg) return Insn{};
        insn.imm = c.take(1);
        insn.has_imm = true;
        insn.mem_size = static_cast<uint8_t>(op_size);
        return finish(InsnOp::bit_test);
    }
    default: return Insn{};
    }
}

} // namespace cxen::arch
