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
 *
 * Speculation barriers, as Xen's SPEC_CTRL_ENTRY_FROM_SVM / _EXIT_TO_SVM on
 * AMD: after #VMEXIT the return stack buffer is overwritten with 32 entries
 * pointing at a speculation trap, so no host RET consumes a prediction the
 * guest planted; before VMRUN, VERW (memory form, on the host's SS
 * selector) flushes the buffers TSA can leak where the CPU says it does
 * (svm_verw_on_entry, set from VERW_CLEAR by svm_detect()).
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
    subq    $8, %rsp                    /* 24(%rsp): host SS selector, for VERW */
    movw    %ss, (%rsp)
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
    cmpb    $0, svm_verw_on_entry(%rip)
    je      1f
    verw    24(%rsp)
1:
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
    /* Overwrite the RSB: 16 x 2 CALLs whose return addresses are INT3s. */
    movl    $16, %ecx
2:  call    3f
    int3
3:  call    4f
    int3
4:  subl    $1, %ecx
    jnz     2b
    addq    $32 * 8, %rsp
    lfence
    movq    8(%rsp), %rax
    vmload  %rax                        /* host FS/GS/TR/LDTR and syscall MSRs */
    stgi

    addq    $32, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
