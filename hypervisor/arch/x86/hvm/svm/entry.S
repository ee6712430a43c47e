/*
 * svm_vmrun(guest_vmcb_pa, regs, host_vmcb_pa): run a vCPU until #VMEXIT.
 *
 * Called with interrupts disabled (the caller checked for pending work).
 * GIF is cleared around the world switch so that no host interrupt lands
 * while guest FS/GS/TR/LDTR (VMLOAD) are loaded; RFLAGS.IF is set before
 * VMRUN so that physical interrupts during guest execution cause
 * #VMEXIT(INTR); they are taken after STGI, and IF stays set on return. RAX and RSP
 * of the guest live in the VMCB; the other GPRs in struct GuestRegs
 * (hvm/svm/svm.hpp: rbx rcx rdx rsi rdi rbp r8..r15). VMRUN restores the
 * host RAX (= guest VMCB PA) and RSP on #VMEXIT.
 */
#define R_RBX 0
#define R_RCX 8
#define R_RDX 16
#define R_RSI 24
#define R_RDI 32
#define R_RBP 40
#define R_R8 48
#define R_R9 56
#define R_R10 64
#define R_R11 72
#define R_R12 80
#define R_R13 88
#define R_R14 96
#define R_R15 104

    .text
    .globl svm_vmrun
svm_vmrun:
    pushq   %rbp
    movq    %rsp, %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushq   %rsi                        /* 16(%rsp): regs */
    pushq   %rdx                        /*  8(%rsp): host VMCB PA */
    pushq   %rdi                        /*  0(%rsp): guest VMCB PA */

    clgi
    sti                                 /* held by GIF=0 until the guest runs */
    movq    %rdi, %rax
    movq    R_RBX(%rsi), %rbx
    movq    R_RCX(%rsi), %rcx
    movq    R_RDX(%rsi), %rdx
    movq    R_RDI(%rsi), %rdi
    movq    R_RBP(%rsi), %rbp
    movq    R_R8(%rsi), %r8
    movq    R_R9(%rsi), %r9
    movq    R_R10(%rsi), %r10
    movq    R_R11(%rsi), %r11
    movq    R_R12(%rsi), %r12
    movq    R_R13(%rsi), %r13
    movq    R_R14(%rsi), %r14
    movq    R_R15(%rsi), %r15
    movq    R_RSI(%rsi), %rsi
    vmload  %rax
    vmrun   %rax
    vmsave  %rax
    movq    16(%rsp), %rax
    movq    %rbx, R_RBX(%rax)
    movq    %rcx, R_RCX(%rax)
    movq    %rdx, R_RDX(%rax)
    movq    %rsi, R_RSI(%rax)
    movq    %rdi, R_RDI(%rax)
    movq    %rbp, R_RBP(%rax)
    movq    %r8, R_R8(%rax)
    movq    %r9, R_R9(%rax)
    movq    %r10, R_R10(%rax)
    movq    %r11, R_R11(%rax)
    movq    %r12, R_R12(%rax)
    movq    %r13, R_R13(%rax)
    movq    %r14, R_R14(%rax)
    movq    %r15, R_R15(%rax)
    movq    8(%rsp), %rax
    vmload  %rax                        /* host FS/GS/TR/LDTR and syscall MSRs */
    stgi

    addq    $24, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
