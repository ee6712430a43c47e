// The instruction decoder used for MMIO-hole accesses and intercepted CR
// writes: lengths, operands and refusals, byte sequences from GNU as.
#include "arch/x86/hvm/insn_decode.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

using namespace cxen::arch;

namespace {
Insn dec(std::initializer_list<uint8_t> b, CpuMode mode = CpuMode::long64) {
    const std::vector<uint8_t> v(b);
    return decode_insn(v.data(), v.size(), mode);
}
} // namespace

TEST(InsnDecode, MovLoadsAndStores) {
    Insn i = dec({0x8b, 0x07}); // mov (%rdi),%eax
    EXPECT_EQ(i.op, InsnOp::load);
    EXPECT_EQ(i.len, 2);
    EXPECT_EQ(i.mem_size, 4);
    EXPECT_EQ(i.reg, 0);
    EXPECT_EQ(i.mem.base, 7);
    i = dec({0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0xd0, 0xfe}); // mov 0xfed00000,%rax
    EXPECT_EQ(i.op, InsnOp::load);
    EXPECT_EQ(i.len, 8);
    EXPECT_EQ(i.mem_size, 8);
    EXPECT_EQ(i.mem.base, -1);
    EXPECT_EQ(i.mem.index, -1);
    EXPECT_EQ(i.mem.disp, static_cast<int64_t>(static_cast<int32_t>(0xfed00000)));
    i = dec({0x44, 0x89, 0x4c, 0x8e, 0x10}); // mov %r9d,0x10(%rsi,%rcx,4)
    EXPECT_EQ(i.op, InsnOp::store);
    EXPECT_EQ(i.len, 5);
    EXPECT_EQ(i.reg, 9);
    EXPECT_EQ(i.mem.base, 6);
    EXPECT_EQ(i.mem.index, 1);
    EXPECT_EQ(i.mem.scale, 4);
    EXPECT_EQ(i.mem.disp, 0x10);
    i = dec({0x66, 0x89, 0x03}); // mov %ax,(%rbx)
    EXPECT_EQ(i.op, InsnOp::store);
    EXPECT_EQ(i.mem_size, 2);
    i = dec({0x8a, 0x63, 0x01}); // mov 0x1(%rbx),%ah
    EXPECT_EQ(i.op, InsnOp::load);
    EXPECT_EQ(i.mem_size, 1);
    EXPECT_TRUE(i.reg_high8);
    EXPECT_EQ(i.reg, 0);
    i = dec({0x40, 0x8a, 0x73, 0x01}); // mov 0x1(%rbx),%sil
    EXPECT_FALSE(i.reg_high8);
    EXPECT_EQ(i.reg, 6);
    i = dec({0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff}); // mov -0x10(%rip),%eax
    EXPECT_TRUE(i.mem.rip_relative);
    EXPECT_EQ(i.len, 6);
    EXPECT_EQ(effective_address(i.mem, 0x1000, [](unsigned) { return uint64_t{0}; }), 0xff0u);
}

TEST(InsnDecode, ImmediatesMoffsAndExtensions) {
    Insn i = dec({0xc7, 0x47, 0x08, 0x78, 0x56, 0x34, 0x12}); // movl $0x12345678,0x8(%rdi)
    EXPECT_EQ(i.op, InsnOp::store);
    EXPECT_EQ(i.len, 7);
    EXPECT_TRUE(i.has_imm);
    EXPECT_EQ(i.imm, 0x12345678u);
    i = dec({0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff}); // movq $-1,(%rax)
    EXPECT_EQ(i.mem_size, 8);
    EXPECT_EQ(i.imm, ~0ull);
    i = dec({0xc6, 0x00, 0x5a}); // movb $0x5a,(%rax)
    EXPECT_EQ(i.len, 3);
    EXPECT_EQ(i.mem_size, 1);
    i = dec({0xa1, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0}); // movabs 0xfed00000,%eax
    EXPECT_EQ(i.op, InsnOp::load);
    EXPECT_EQ(i.len, 9);
    i = dec({0xa1, 0, 0, 0xd0, 0xfe}, CpuMode::prot32); // mov 0xfed00000,%eax
    EXPECT_EQ(i.len, 5);
    i = dec({0x0f, 0xb7, 0x06}); // movzwl (%rsi),%eax
    EXPECT_EQ(i.op, InsnOp::load);
    EXPECT_EQ(i.mem_size, 2);
    EXPECT_EQ(i.reg_size, 4);
    EXPECT_FALSE(i.sign_extend);
    i = dec({0x48, 0x0f, 0xbe, 0x06}); // movsbq (%rsi),%rax
    EXPECT_EQ(i.mem_size, 1);
    EXPECT_EQ(i.reg_size, 8);
    EXPECT_TRUE(i.sign_extend);
    i = dec({0x48, 0x63, 0x06}); // movslq (%rsi),%rax
    EXPECT_EQ(i.mem_size, 4);
    EXPECT_TRUE(i.sign_extend);
}

TEST(InsnDecode, BitTest) {
    Insn i = dec({0x48, 0x0f, 0xa3, 0x02}); // bt %rax,(%rdx)
    EXPECT_EQ(i.op, InsnOp::bit_test);
    EXPECT_EQ(i.len, 4);
    EXPECT_EQ(i.mem_size, 8);
    i = dec({0x0f, 0xba, 0x20, 0x03}); // btl $3,(%rax)
    EXPECT_EQ(i.op, InsnOp::bit_test);
    EXPECT_EQ(i.len, 4);
    EXPECT_EQ(dec({0x0f, 0xba, 0x28, 0x03}).op, InsnOp::unsupported); // bts: writes
    EXPECT_EQ(dec({0xf0, 0x0f, 0xa3, 0x02}).op, InsnOp::invalid);     // lock bt
}

TEST(InsnDecode, ControlRegisterWrites) {
    Insn i = dec({0x0f, 0x22, 0xe0}); // mov %rax,%cr4
    EXPECT_EQ(i.op, InsnOp::mov_to_cr);
    EXPECT_EQ(i.cr, 4);
    EXPECT_EQ(i.rm, 0);
    EXPECT_EQ(i.len, 3);
    i = dec({0x41, 0x0f, 0x22, 0xc7}); // mov %r15,%cr0
    EXPECT_EQ(i.cr, 0);
    EXPECT_EQ(i.rm, 15);
    i = dec({0x0f, 0x22, 0x1b}, CpuMode::prot32); // mod != 3 still means a register: mov %ebx,%cr3
    EXPECT_EQ(i.cr, 3);
    EXPECT_EQ(i.rm, 3);
    EXPECT_EQ(i.len, 3);
    EXPECT_EQ(dec({0x0f, 0x06}).op, InsnOp::clts);
    i = dec({0x0f, 0x01, 0xf0}); // lmsw %ax
    EXPECT_EQ(i.op, InsnOp::lmsw);
    EXPECT_TRUE(i.rm_is_reg);
    i = dec({0x0f, 0x01, 0x36}); // lmsw (%rsi)
    EXPECT_EQ(i.op, InsnOp::lmsw);
    EXPECT_FALSE(i.rm_is_reg);
    EXPECT_EQ(i.mem.base, 6);
}

TEST(InsnDecode, RefusesWhatItCannotComplete) {
    EXPECT_EQ(dec({0x01, 0x07}).op, InsnOp::unsupported);           // add %eax,(%rdi)
    EXPECT_EQ(dec({0x89, 0xc0}).op, InsnOp::unsupported);           // mov %eax,%eax: no memory operand
    EXPECT_EQ(dec({0x0f, 0x01, 0xf8}).op, InsnOp::unsupported);     // swapgs
    EXPECT_EQ(dec({0xf0, 0x89, 0x07}).op, InsnOp::invalid);         // lock mov
    EXPECT_EQ(dec({0x8b, 0x07}, CpuMode::prot16).op, InsnOp::unsupported); // 16-bit addressing
    EXPECT_EQ(dec({0x48, 0x8b, 0x04}).op, InsnOp::unsupported);     // truncated SIB
    EXPECT_EQ(dec({0xc7, 0x00, 0x01, 0x02}).op, InsnOp::unsupported); // truncated immediate
    EXPECT_EQ(dec({}).op, InsnOp::unsupported);
    const std::vector<uint8_t> prefixes(16, 0x66); // longer than 15 bytes
    EXPECT_EQ(decode_insn(prefixes.data(), prefixes.size(), CpuMode::long64).op, InsnOp::unsupported);
}
