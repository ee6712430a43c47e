/*
 * CPU exception entry stubs and the jump buffer used to abandon a test that
 * faulted (trap.cpp). Everything runs at CPL 0 on one stack: no TSS, no IST.
 */

/* Vectors for which the CPU pushes an error code (Intel SDM Vol. 3, 6.13). */
#define HAS_ERROR_CODE(v) \
    ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || \
     (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .code64

/*
 * One stub per exception vector 0..31. Each makes the frame uniform (dummy
 * error code where the CPU pushes none), pushes its vector and joins
 * trap_common. Layout must match struct TrapFrame in trap.hpp.
 */
    .macro trap_stub v
    .balign 16
trap_stub_\v:
    .if !HAS_ERROR_CODE(\v)
    pushq   $0
    .endif
    pushq   $\v
    jmp     trap_common
    .endm

    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    trap_stub \v
    .endr

trap_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    cld
    mov     %rsp, %rdi              /* TrapFrame*; %rsp is 16-aligned here */
    call    trap_handler
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp               /* vector, error code */
    iretq

    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_stub_\v
    .endr

/*
 * struct JmpBuf (trap.hpp): rbx rbp r12 r13 r14 r15 rsp rip rflags.
 * int guest_setjmp(JmpBuf*): 0 when called, the longjmp value when resumed.
 * void guest_longjmp(JmpBuf*, int value): value 0 becomes 1.
 * Restoring RFLAGS undoes an STI or CLI made after the setjmp.
 */
    .text
    .globl guest_setjmp
    .type guest_setjmp, @function
guest_setjmp:
    mov     %rbx, 0(%rdi)
    mov     %rbp, 8(%rdi)
    mov     %r12, 16(%rdi)
    mov     %r13, 24(%rdi)
    mov     %r14, 32(%rdi)
    mov     %r15, 40(%rdi)
    lea     8(%rsp), %rax           /* %rsp once we have returned */
    mov     %rax, 48(%rdi)
    mov     (%rsp), %rax            /* return address */
    mov     %rax, 56(%rdi)
    pushfq
    pop     %rax
    mov     %rax, 64(%rdi)
    xor     %eax, %eax
    ret
    .size guest_setjmp, . - guest_setjmp

    .globl guest_longjmp
    .type guest_longjmp, @function
guest_longjmp:
    mov     0(%rdi), %rbx
    mov     8(%rdi), %rbp
    mov     16(%rdi), %r12
    mov     24(%rdi), %r13
    mov     32(%rdi), %r14
    mov     40(%rdi), %r15
    mov     48(%rdi), %rsp
    pushq   64(%rdi)
    popfq
    mov     %esi, %eax
    test    %eax, %eax
    jnz     1f
    inc     %eax
1:  jmp     *56(%rdi)
    .size guest_longjmp, . - guest_longjmp

    .section .note.GNU-stack, "", @progbits
