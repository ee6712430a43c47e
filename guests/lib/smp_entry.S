/*
 * Interrupt stubs for vectors 32-255 and the AP start paths (smp.cpp).
 *
 * AP start, INIT-SIPI: the real-mode trampoline below is copied to a page
 * under 1 MiB; STARTUP makes CS = page >> 4, IP = 0. It loads ap_gdt and
 * enters 32-bit protected mode at ap_start32, which switches to 64-bit mode
 * as start.S does for the BSP (enter_long_mode, long_mode.h).
 * VCPUOP_initialise starts a vCPU at ap_start32 (32-bit context) or at
 * ap_start64 (64-bit context) directly. ap_start64 takes its stack from
 * ap_boot_stack (set by the BSP, which starts one AP at a time), reloads
 * the GDT and CS (a VCPUOP start has selectors 0) and calls ap_main().
 */
#include "long_mode.h"

    .text
    .code64

/* One 16-byte stub per vector 32..255: push the vector, join irq_common. */
    .balign 16
    .globl irq_stubs
irq_stubs:
    .set vec, 32
    .rept 224
    .balign 16
    pushq   $vec
    jmp     irq_common
    .set vec, vec + 1
    .endr

irq_common:
    /* 5 words pushed by the CPU + the vector = 48 bytes: RSP is 16-aligned. */
    push    %rax
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    sub     $8, %rsp                /* 9 pushes + 8 = 80: aligned again */
    cld
    mov     80(%rsp), %rdi          /* vector */
    call    irq_dispatch
    add     $8, %rsp
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rax
    add     $8, %rsp                /* vector */
    iretq

/* ---- real-mode trampoline, copied; position-independent within its page ---- */
    .code16
    .globl ap_trampoline_start, ap_trampoline_end
ap_trampoline_start:
    cli
    cld
    mov     %cs, %ax
    mov     %ax, %ds
    lgdtl   ap_tramp_gdt_ptr - ap_trampoline_start
    mov     %cr0, %eax
    or      $CR0_PE, %eax
    mov     %eax, %cr0
    ljmpl   $SEL_CODE32, $ap_start32
    .balign 8
ap_tramp_gdt_ptr:
    .word   ap_gdt_end - ap_gdt - 1
    .long   ap_gdt
ap_trampoline_end:

/* ---- 32-bit protected mode, flat segments, paging off ---- */
    .code32
    .globl ap_start32
ap_start32:
    cli
    lgdt    %cs:ap_gdt_ptr          /* DS may still hold the real-mode base */
    mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    enter_long_mode ap_start64

/* ---- 64-bit mode ---- */
    .code64
    .globl ap_start64
ap_start64:
    cli
    mov     ap_boot_stack(%rip), %rsp
    lgdt    ap_gdt_ptr(%rip)
    pushq   $SEL_CODE64
    lea     1f(%rip), %rax
    pushq   %rax
    lretq
1:  load_data_segments
    xor     %ebp, %ebp
    call    ap_main
2:  cli
    hlt
    jmp     2b

    .section .data, "aw", @progbits
    .balign 16
ap_gdt:
    flat_gdt
ap_gdt_end:
    .balign 8
    .word 0
ap_gdt_ptr:                         /* 6 bytes read in 32-bit mode, 10 in 64-bit mode */
    .word ap_gdt_end - ap_gdt - 1
    .quad ap_gdt

    .balign 8
    .globl ap_boot_stack
ap_boot_stack:
    .quad 0

    .section .note.GNU-stack, "", @progbits
