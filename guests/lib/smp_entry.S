/*
 * Interrupt stubs for vectors 32-255 and the AP start paths (smp.cpp).
 *
 * AP start, INIT-SIPI: the real-mode trampoline below is copied to a page
 * under 1 MiB; STARTUP makes CS = page >> 4, IP = 0. It loads ap_gdt and
 * enters 32-bit protected mode at ap_start32, which does what start.S does
 * for the BSP (PAE, CR3 = pml4, EFER.LME, paging) and jumps to ap_start64.
 * VCPUOP_initialise starts a vCPU at ap_start32 (32-bit context) or at
 * ap_start64 (64-bit context) directly. ap_start64 takes its stack from
 * ap_boot_stack (set by the BSP, which starts one AP at a time), reloads
 * the GDT and CS (a VCPUOP start has selectors 0) and calls ap_main().
 */
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define CR0_PE      (1 << 0)
#define CR0_WP      (1 << 16)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)

#define SEL_CODE64  0x08
#define SEL_DATA    0x10
#define SEL_CODE32  0x18

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
    mov     %cr4, %eax
    or      $CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $pml4, %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP | CR0_PE), %eax
    mov     %eax, %cr0
    ljmp    $SEL_CODE64, $ap_start64

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
1:  mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    xor     %ebp, %ebp
    call    ap_main
2:  cli
    hlt
    jmp     2b

    .section .data, "aw", @progbits
    .balign 16
ap_gdt:
    .quad 0
    .quad 0x00af9b000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: flat data */
    .quad 0x00cf9b000000ffff        /* 0x18: 32-bit code */
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
